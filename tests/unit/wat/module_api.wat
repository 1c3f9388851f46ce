;; Imports and exports of every kind, for Module::imports()/exports() and the name section.
(module
  (import "env" "log" (func $log (param i32 i64) (result f32)))
  (import "env" "tab" (table 1 8 funcref))
  (import "env" "mem" (memory 1 4))
  (import "env" "g" (global $g f64))
  (func $first (export "first") (param f64) (result i32 i64) (i32.const 1) (i64.const 2))
  (func $second (export "second"))
  (global $mg (export "mg") (mut i64) (i64.const 0))
  (table $t (export "t") 3 externref)
  (export "imported_mem" (memory 0))
  (export "log_again" (func $log)))
