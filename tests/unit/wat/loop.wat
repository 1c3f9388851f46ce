;; Runaway guests for Store::interrupt().
(module
  (global $calls (mut i64) (i64.const 0))
  (func $spin (export "spin") (loop $again (br $again)))
  ;; A loop that makes a (non-recursive) call every iteration.
  (func $tick (global.set $calls (i64.add (global.get $calls) (i64.const 1))))
  (func $spin_calls (export "spin_calls") (loop $again (call $tick) (br $again)))
  (func $calls (export "calls") (result i64) (global.get $calls))
  (func $add (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))
