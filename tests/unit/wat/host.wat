;; Calls out to host functions of every flavour the tests define.
(module
  ;; Returns its parameters in reverse order.
  (import "host" "reverse" (func $reverse (param i32 i64 f32 f64) (result f64 f32 i64 i32)))
  ;; Raw ABI: a + b + *env.
  (import "host" "raw_add" (func $raw_add (param i64 i64) (result i64)))
  ;; Fails with an Error.
  (import "host" "fail" (func $fail (param i32) (result i32)))
  ;; Calls the guest's export "count" (or "count_trap") with n - 1 and returns its result.
  (import "host" "reenter" (func $reenter (param i32) (result i32)))
  (import "host" "reenter_trap" (func $reenter_trap (param i32) (result i32)))
  ;; Calls the guest's export "count_trap" with 0 (which traps) and returns -1 if it trapped.
  (import "host" "swallow" (func $swallow (result i32)))
  ;; Reads the byte at an address through Caller::memory().
  (import "host" "peek" (func $peek (param i32) (result i32)))
  ;; Calls the guest's export "double" through Caller::get_export().
  (import "host" "call_double" (func $call_double (param i32) (result i32)))
  (memory (export "mem") 1)
  (data (i32.const 16) "hello")
  (global $after_fail (mut i32) (i32.const 0))

  (func $reverse_through (export "reverse") (param i32 i64 f32 f64) (result f64 f32 i64 i32)
    (call $reverse (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  (func $raw_add_through (export "raw_add") (param i64 i64) (result i64)
    (call $raw_add (local.get 0) (local.get 1)))
  ;; Would set a global after the host call; the host's failure must stop it.
  (func $fail_through (export "fail") (param i32) (result i32)
    (drop (call $fail (local.get 0)))
    (global.set $after_fail (i32.const 1))
    (i32.const 0))
  (func $after_fail_get (export "after_fail") (result i32) (global.get $after_fail))

  ;; count(n) = n, going host -> guest -> host ... n levels deep.
  (func $count (export "count") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (call $reenter (local.get $n)) (i32.const 1)))))
  ;; Like count, but the innermost level traps.
  (func $count_trap (export "count_trap") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then unreachable)
      (else (i32.add (call $reenter_trap (local.get $n)) (i32.const 1)))))

  ;; The host absorbs a trap in a nested call; this guest carries on.
  (func $swallow_through (export "swallow") (result i32)
    (i32.add (call $swallow) (i32.const 100)))

  (func $peek_through (export "peek") (param i32) (result i32) (call $peek (local.get 0)))
  (func $double (export "double") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
  (func $call_double_through (export "call_double") (param i32) (result i32)
    (i32.add (call $call_double (local.get 0)) (i32.const 1))))
