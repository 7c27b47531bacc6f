"""The whole shop on one machine: a supervisor of every context's processes (`shop up`) and a
load driver that pushes orders through the saga over the public APIs (`shop demo`)."""
