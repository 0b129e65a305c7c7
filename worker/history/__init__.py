"""`goodwill history import`: the goodwill history that earlier Groove tickets show, into the ledger."""
