"""The check pipeline: the registry of automated checks (checks/), sending runs to the workers
(dispatch), the thin jobs, and the services that claim, run, finish and sweep check runs."""
