"""Case work: cases, work items, forms and documents, as case workers meet them."""
