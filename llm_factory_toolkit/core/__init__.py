"""The shared values every layer speaks: results, the per-call values, events, and the
bookends that report each step. Nothing here imports a layer above it at run time."""
