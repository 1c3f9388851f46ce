;; Runaway guests for Store::interrupt().
(module
  (global $calls (mut i64) (i64.const 0))
  (func $spin (export "spin") (loop $again (br $again)))
  ;; A loop that makes a (non-recursive) call every iteration.
  (func $tick (global.set $calls (i64.add (global.get $calls) (i64.const 1))))
  (func $spin_calls (export "spin_calls") (loop $again (call $tick) (br $again)))
  (func $calls (export "calls") (result i64) (global.get $calls))
  ;; An interpreter's dispatch loop that never halts: every back edge is a copy of the
  ;; switch (BrTableLookupLeanLoop), which must check for an interrupt itself.
  (memory 1)
  (data (i32.const 16) "\02\00\00\00\01\00\00\00")
  (func $spin_dispatch (export "spin_dispatch") (local $x i32)
    (loop $fetch
      (block $default
        (block $c1
          (block $c0
            (br_table $c0 $c1 $default
              (i32.add
                (i32.load (i32.add (i32.shl (i32.and (local.get $x) (i32.const 1)) (i32.const 2))
                                   (i32.const 16)))
                (i32.const -1))))
          (local.set $x (i32.add (local.get $x) (i32.const 1)))
          (br $fetch))
        (local.set $x (i32.add (local.get $x) (i32.const 3)))
        (br $fetch))))
;; Back edges with no loop form of their own (a br_table straight to the loop, a branch
  ;; fused with a constant store): they go through a stub that checks for an interrupt.
  (func $spin_table (export "spin_table") (local $x i32)
    (loop $again
      (local.set $x (i32.add (local.get $x) (i32.const 1)))
      (br_table $again $again (i32.and (local.get $x) (i32.const 1)))))
  (func $spin_flag (export "spin_flag") (local $flag i32) (local $go i32)
    (local.set $go (i32.const 1))
    (loop $again
      (local.set $flag (i32.const 0))
      (br_if $again (local.get $go))))
  (func $add (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))
