"""Runtime and timers: running instances on SpiffWorkflow in a sandbox, projecting them, firing timers."""
