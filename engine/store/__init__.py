"""Storage and audit: tables, the unit of work, the hash-chained audit trail, deployed versions, accounts."""
