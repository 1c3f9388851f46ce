;; An active element segment that runs past the end of its two-slot table.
(module
  (table 2 funcref)
  (func $f)
  (elem (i32.const 1) func $f $f))
