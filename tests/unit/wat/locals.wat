;; Declared locals start at zero even though their frame slots are reused: each test
;; function runs right after $dirty filled the same slots with garbage, and reads a local
;; before any write on some path (the compiler zeroes only locals that may be read first).
(module
  (func $dirty (param i32) (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
    (local.set 1 (i64.const -1)) (local.set 2 (i64.const -1)) (local.set 3 (i64.const -1))
    (local.set 4 (i64.const -1)) (local.set 5 (i64.const -1)) (local.set 6 (i64.const -1))
    (local.set 7 (i64.const -1)) (local.set 8 (i64.const -1)) (local.set 9 (i64.const -1))
    (local.set 10 (i64.const -1)) (local.set 11 (i64.const -1)) (local.set 12 (i64.const -1))
    (local.set 75 (i64.const -1)) (local.set 76 (i64.const -1)) (local.set 77 (i64.const -1))
    (local.set 78 (i64.const -1)) (local.set 79 (i64.const -1)) (local.set 80 (i64.const -1)))
  ;; Written only in the then-arm: p = 0 reads the initial zero.
  (func $if_then_only (param i32) (result i64) (local i64)
    (if (local.get 0) (then (local.set 1 (i64.const 7))))
    (local.get 1))
  ;; Written in both arms: never needs zeroing, must still be right.
  (func $both_arms (param i32) (result i64) (local i64)
    (if (local.get 0) (then (local.set 1 (i64.const 7))) (else (local.set 1 (i64.const 9))))
    (local.get 1))
  ;; A br_if skips the write.
  (func $br_if_skips (param i32) (result i64) (local i64)
    (block (br_if 0 (local.get 0)) (local.set 1 (i64.const 5)))
    (local.get 1))
  ;; A br_table skips the write on one of its targets.
  (func $br_table_skips (param i32) (result i64) (local i64)
    (block (block (br_table 0 1 (local.get 0))) (local.set 1 (i64.const 3)))
    (local.get 1))
  ;; A loop accumulates into a local it reads before writing: sum of 1..p.
  (func $loop_sum (param i32) (result i64) (local i64 i32)
    (local.set 2 (local.get 0))
    (loop
      (local.set 1 (i64.add (local.get 1) (i64.extend_i32_u (local.get 2))))
      (local.set 2 (i32.sub (local.get 2) (i32.const 1)))
      (br_if 0 (local.get 2)))
    (local.get 1))
  ;; Written after the loop body's read on the back edge only.
  (func $loop_late_write (param i32) (result i64) (local i64 i64)
    (loop
      (local.set 2 (i64.add (local.get 2) (local.get 1)))
      (local.set 1 (i64.const 10))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br_if 0 (local.get 0)))
    (local.get 2))
  ;; Beyond the first 64 declared locals.
  (func $far_local (param i32) (result i64) (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
    (if (local.get 0) (then (local.set 79 (i64.const 1))))
    (local.get 79))
  ;; Written before the read on every path: must not see the garbage either way.
  (func $straight (param i32) (result i64) (local i64)
    (local.set 1 (i64.extend_i32_u (local.get 0)))
    (local.get 1))
  (func (export "if_then_only") (param i32) (result i64)
    (call $dirty (i32.const 0)) (call $if_then_only (local.get 0)))
  (func (export "both_arms") (param i32) (result i64)
    (call $dirty (i32.const 0)) (call $both_arms (local.get 0)))
  (func (export "br_if_skips") (param i32) (result i64)
    (call $dirty (i32.const 0)) (call $br_if_skips (local.get 0)))
  (func (export "br_table_skips") (param i32) (result i64)
    (call $dirty (i32.const 0)) (call $br_table_skips (local.get 0)))
  (func (export "loop_sum") (param i32) (result i64)
    (call $dirty (i32.const 0)) (call $loop_sum (local.get 0)))
  (func (export "loop_late_write") (param i32) (result i64)
    (call $dirty (i32.const 0)) (call $loop_late_write (local.get 0)))
  (func (export "far_local") (param i32) (result i64)
    (call $dirty (i32.const 0)) (call $far_local (local.get 0)))
  (func (export "straight") (param i32) (result i64)
    (call $dirty (i32.const 0)) (call $straight (local.get 0))))
