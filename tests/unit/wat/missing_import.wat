;; Imports something no test defines.
(module
  (import "env" "missing_fn" (func $missing (param i32)))
  (func $run (export "run") (call $missing (i32.const 1))))
