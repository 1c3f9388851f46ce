;; Instruction sequences the translator fuses into one instruction (switches on a loaded byte
;; or a table lookup, byte-flag tests, 64-bit counted loops, wraps and reinterprets that emit
;; nothing). Each export computes something checkable on every path, including traps from
;; the fused loads.
(module
  (memory 1)
  ;; Bytes 0..7: type tags; 16..31: a lookup table of case indices (i32s); 64..: flags.
  (data (i32.const 0) "\02\00\01\45\03\44")
  (data (i32.const 32768) "\01\02\02\02\05\00")
  (data (i32.const 16) "\02\00\00\00\01\00\00\00\00\00\00\00\05\00\00\00")
  (data (i32.const 64) "\00\01\00\01\01")

  ;; switch (mem8[p] - 1) -> 10, 20, 30, or 99 for anything else (I32Load8U + BrTableAddImm).
  (func (export "switch_byte") (param $p i32) (result i32)
    (block $default
      (block $c2
        (block $c1
          (block $c0
            (br_table $c0 $c1 $c2 $default
              (i32.add (i32.load8_u (local.get $p)) (i32.const -1))))
          (return (i32.const 10)))
        (return (i32.const 20)))
      (return (i32.const 30)))
    (i32.const 99))

  ;; switch ((mem8[p] & 0x3f) - 3) (I32Load8U + I32AndImm + BrTableAddImm).
  (func (export "switch_masked_byte") (param $p i32) (result i32)
    (block $default
      (block $c1
        (block $c0
          (br_table $c0 $c1 $default
            (i32.add (i32.and (i32.load8_u (local.get $p)) (i32.const 0x3f)) (i32.const -3))))
        (return (i32.const 100)))
      (return (i32.const 200)))
    (i32.const 999))

  ;; switch (table[(x & 3) << 2] - 1), the table at 16 (clang's sparse-switch lowering).
  (func (export "switch_lookup") (param $x i32) (result i32)
    (block $default
      (block $c1
        (block $c0
          (br_table $c0 $c1 $default
            (i32.add
              (i32.load (i32.add (i32.shl (i32.and (local.get $x) (i32.const 3)) (i32.const 2))
                                 (i32.const 16)))
              (i32.const -1))))
        (return (i32.const 1000)))
      (return (i32.const 2000)))
    (i32.const 3000))

  ;; Counts the set flags among bytes [64 + i, 64 + n) (load8_u at i + imm, then br_if).
  (func (export "count_flags") (param $i i32) (param $n i32) (result i32)
    (local $count i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $next (i32.eqz (i32.load8_u (i32.add (local.get $i) (i32.const 63)))))
        (local.set $count (i32.add (local.get $count) (i32.const 1)))
        (br $next)))
    (local.get $count))

  ;; The same with `if` on a byte flag (BrUnless form).
  (func (export "flag_or") (param $p i32) (param $a i32) (param $b i32) (result i32)
    (if (result i32) (i32.load8_u (local.get $p))
      (then (local.get $a)) (else (local.get $b))))

  ;; A byte compared with a constant (a type-tag test), as `if` and as `br_if`.
  (func (export "byte_is_3") (param $p i32) (result i32)
    (if (result i32) (i32.eq (i32.load8_u (local.get $p)) (i32.const 3))
      (then (i32.const 1)) (else (i32.const 0))))
  (func (export "byte_not_3") (param $p i32) (result i32)
    (if (result i32) (i32.ne (i32.load8_u (local.get $p)) (i32.const 3))
      (then (i32.const 1)) (else (i32.const 0))))
  (func (export "first_byte_not_2") (param $p i32) (result i32)
    (block $done
      (loop $next
        (br_if $done (i32.ne (i32.load8_u (local.get $p)) (i32.const 2)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $next)))
    (local.get $p))

  ;; Loops whose back edge tests a byte: `while (*p) p++` and `while (*p == 2) p++`.
  (func (export "skip_nonzero") (param $p i32) (result i32)
    (loop $l
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br_if $l (i32.load8_u (local.get $p))))
    (local.get $p))
  (func (export "skip_twos") (param $p i32) (result i32)
    (loop $l
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br_if $l (i32.eq (i32.load8_u (local.get $p)) (i32.const 2))))
    (local.get $p))

  ;; Loops whose back edge tests x & mask, or compares it: the loop forms of those branches.
  (func (export "trailing_ones") (param $x i32) (result i32) (local $n i32)
    (loop $l
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (local.set $x (i32.div_u (local.get $x) (i32.const 2)))
      (br_if $l (i32.and (local.get $x) (i32.const 1))))
    (local.get $n))
  (func (export "trailing_zeros") (param $x i32) (result i32) (local $n i32)
    (loop $l
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (local.set $x (i32.div_u (local.get $x) (i32.const 2)))
      (br_if $l (i32.eqz (i32.and (local.get $x) (i32.const 1)))))
    (local.get $n))
  (func (export "steps_to_low_byte") (param $x i32) (param $y i32) (result i32) (local $n i32)
    (loop $l
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (local.set $x (i32.sub (local.get $x) (i32.const 1)))
      (br_if $l (i32.ne (i32.and (local.get $x) (i32.const 255)) (local.get $y))))
    (local.get $n))
  (func (export "equal_bytes") (param $x i32) (param $y i32) (result i32) (local $n i32)
    (loop $l
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (local.set $x (i32.div_u (local.get $x) (i32.const 256)))
      (br_if $l (i32.eq (i32.and (local.get $x) (i32.const 255)) (local.get $y))))
    (local.get $n))

  ;; Sum of the i64 range [from, to) stepping by 1, with a 64-bit ne-terminated loop.
  (func (export "sum64") (param $from i64) (param $to i64) (result i64)
    (local $acc i64)
    (if (i64.eq (local.get $from) (local.get $to)) (then (return (i64.const 0))))
    (loop $l
      (local.set $acc (i64.add (local.get $acc) (local.get $from)))
      (br_if $l (i64.ne (local.tee $from (i64.add (local.get $from) (i64.const 1)))
                        (local.get $to))))
    (local.get $acc))

  ;; The same with an immediate bound of 10.
  (func (export "sum64_to_10") (param $from i64) (result i64)
    (local $acc i64)
    (loop $l
      (local.set $acc (i64.add (local.get $acc) (local.get $from)))
      (br_if $l (i64.ne (local.tee $from (i64.add (local.get $from) (i64.const 1)))
                        (i64.const 10))))
    (local.get $acc))

;; A loop stepped by a variable, j += step while j <=u n (I64Add + BrIfI64LeULoop): the
  ;; number of steps taken and the final j, packed as steps * 2^32 + (j & 0xffffffff).
  (func (export "stride64") (param $j i64) (param $step i64) (param $n i64) (result i64)
    (local $steps i64)
    (loop $l
      (local.set $steps (i64.add (local.get $steps) (i64.const 1)))
      (br_if $l (i64.le_u (local.tee $j (i64.add (local.get $j) (local.get $step)))
                          (local.get $n))))
    (i64.or (i64.shl (local.get $steps) (i64.const 32))
            (i64.and (local.get $j) (i64.const 0xffffffff))))

  ;; The sum as the right operand, n >s j += step (swapped into j <s n), as i32 (the sum
  ;; wraps): the steps taken.
  (func (export "stride32") (param $j i32) (param $step i32) (param $n i32) (result i32)
    (local $steps i32)
    (loop $l
      (local.set $steps (i32.add (local.get $steps) (i32.const 1)))
      (br_if $l (i32.gt_s (local.get $n)
                          (local.tee $j (i32.add (local.get $j) (local.get $step))))))
    (local.get $steps))

  ;; A forward branch on a sum, a + b == c (BrIfI32EqAdd): 1 if equal, else 0.
  (func (export "sum_is") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (block $yes
      (br_if $yes (i32.eq (i32.add (local.get $a) (local.get $b)) (local.get $c)))
      (return (i32.const 0)))
    (i32.const 1))

;; The lookup switch with its scaled index kept in a local (the fused form then writes
  ;; its intermediate results): the case value plus 10 * the local.
  (func (export "switch_lookup_kept") (param $x i32) (result i32)
    (local $scaled i32)
    (block $default
      (block $c1
        (block $c0
          (br_table $c0 $c1 $default
            (i32.add
              (i32.load (i32.add (local.tee $scaled
                                   (i32.shl (i32.and (local.get $x) (i32.const 3)) (i32.const 2)))
                                 (i32.const 16)))
              (i32.const -1))))
        (return (i32.add (i32.const 1000) (i32.mul (local.get $scaled) (i32.const 10)))))
      (return (i32.add (i32.const 2000) (i32.mul (local.get $scaled) (i32.const 10)))))
    (i32.add (i32.const 3000) (i32.mul (local.get $scaled) (i32.const 10))))

  ;; switch (mem8[p] - 1) with the byte kept in a local: the byte * 100 + the case.
  (func (export "switch_byte_kept") (param $p i32) (result i32)
    (local $b i32)
    (block $default
      (block $c1
        (block $c0
          (br_table $c0 $c1 $default
            (i32.add (local.tee $b (i32.load8_u (local.get $p))) (i32.const -1))))
        (return (i32.add (i32.mul (local.get $b) (i32.const 100)) (i32.const 1))))
      (return (i32.add (i32.mul (local.get $b) (i32.const 100)) (i32.const 2))))
    (i32.add (i32.mul (local.get $b) (i32.const 100)) (i32.const 3)))

  ;; base + ((x >> 4) & 0xff0), a register field decoded (I32ShrUAndAdd, intermediates
  ;; unwritten), and the same with the shifted value kept in a local and returned too.
  (func (export "field_add") (param $x i32) (param $base i32) (result i32)
    (i32.add (i32.and (i32.shr_u (local.get $x) (i32.const 4)) (i32.const 0xff0))
             (local.get $base)))
  (func (export "field_add_kept") (param $x i32) (param $base i32) (result i32 i32)
    (local $t i32)
    (i32.add (i32.and (local.tee $t (i32.shr_u (local.get $x) (i32.const 4))) (i32.const 0xff0))
             (local.get $base))
    (local.get $t))

  ;; Constant arguments in a row (Const32x4 then Const32, and Const32x3), each in its place.
  (func $digits (param i32 i32 i32 i32 i32) (result i32)
    (i32.add (i32.add (i32.add (i32.add (i32.mul (local.get 0) (i32.const 10000))
                                        (i32.mul (local.get 1) (i32.const 1000)))
                               (i32.mul (local.get 2) (i32.const 100)))
                      (i32.mul (local.get 3) (i32.const 10)))
             (local.get 4)))
  (func (export "const_args") (param $x i32) (result i32)
    (i32.add (call $digits (i32.const 1) (i32.const 2) (i32.const 3) (i32.const 4) (i32.const 5))
             (call $digits (local.get $x) (i32.const 7) (i32.const 8) (i32.const 9)
                           (local.get $x))))

  ;; p->a->b (I32LoadLoad), and the same with the middle pointer kept and returned too.
  (func (export "deref2") (param $p i32) (result i32)
    (i32.load offset=4 (i32.load (local.get $p))))
  (func (export "deref2_kept") (param $p i32) (result i32 i32)
    (local $q i32)
    (i32.load offset=4 (local.tee $q (i32.load (local.get $p))))
    (local.get $q))

  ;; A flag reset right before a conditional branch (Const32 fused into BrIf / BrUnless).
  (func (export "reset_then_branch") (param $c i32) (result i32)
    (local $flag i32) (local $acc i32)
    (local.set $flag (i32.const 7))
    (block $taken
      (local.set $flag (i32.const 0))
      (br_if $taken (local.get $c))
      (local.set $flag (i32.const 5)))
    (local.set $acc (local.get $flag))
    (block $not_taken
      (local.set $flag (i32.const 100))
      (br_if $not_taken (i32.eqz (local.get $c)))
      (local.set $flag (i32.const 1000)))
    (i32.add (local.get $acc) (local.get $flag)))

;; Loads at a computed address (I32Load8UAdd, I32Load16UShlAdd: the sums are not written)
  ;; and the same with the sum or the scaled index kept in a local and returned too.
  (func (export "load_sum") (param $p i32) (param $i i32) (result i32)
    (i32.load8_u offset=1 (i32.add (local.get $p) (local.get $i))))
  (func (export "load_sum_kept") (param $p i32) (param $i i32) (result i32 i32)
    (local $s i32)
    (i32.load8_u offset=1 (local.tee $s (i32.add (local.get $p) (local.get $i))))
    (local.get $s))
  (func (export "load_scaled") (param $p i32) (param $i i32) (result i32)
    (i32.load16_u (i32.add (i32.shl (local.get $i) (i32.const 1)) (local.get $p))))
  (func (export "load_scaled_kept") (param $p i32) (param $i i32) (result i32 i32)
    (local $t i32)
    (i32.load16_u (i32.add (local.tee $t (i32.shl (local.get $i) (i32.const 1))) (local.get $p)))
    (local.get $t))

;; A tiny interpreter: switch (table[(x & 3) << 2] - 1) at the top of a loop, each case
  ;; going back to it (the br becomes a copy of the switch). Table 2, 1, 0, 5: x & 3 == 1 is
  ;; case 0 (acc += 1, x += 3), x & 3 == 0 case 1 (acc += 10, n -= 1, x += 1 while n > 0,
  ;; else x = 2), anything else halts.
  (func (export "mini_vm") (param $x i32) (param $n i32) (result i32)
    (local $acc i32)
    (loop $fetch
      (block $default
        (block $c1
          (block $c0
            (br_table $c0 $c1 $default
              (i32.add
                (i32.load (i32.add (i32.shl (i32.and (local.get $x) (i32.const 3)) (i32.const 2))
                                   (i32.const 16)))
                (i32.const -1))))
          (local.set $acc (i32.add (local.get $acc) (i32.const 1)))
          (local.set $x (i32.add (local.get $x) (i32.const 3)))
          (br $fetch))
        (local.set $acc (i32.add (local.get $acc) (i32.const 10)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (local.set $x (select (i32.add (local.get $x) (i32.const 1)) (i32.const 2)
                              (i32.gt_s (local.get $n) (i32.const 0))))
        (br $fetch)))
    (local.get $acc))

;; The same switch in a bytecode interpreter's shape: each case ends with the fetch of the
  ;; next instruction, i = *pc; ra = base + ((i >> 3) & 0xff0), and a br back to the switch on
  ;; i, which fetch and switch become one instruction (FetchDispatchLeanLoop). Case 0 (i & 3
  ;; == 1): acc += ra; case 1 (i & 3 == 0): acc = acc * 3 + 1; anything else halts.
  (func (export "fetch_vm") (param $pc i32) (param $base i32) (result i32)
    (local $i i32) (local $ra i32) (local $acc i32)
    (local.set $ra (i32.add (i32.and (i32.shr_u (local.tee $i (i32.load (local.get $pc)))
                                                (i32.const 3))
                                     (i32.const 0xff0))
                            (local.get $base)))
    (loop $dispatch
      (block $default
        (block $c1
          (block $c0
            (br_table $c0 $c1 $default
              (i32.add
                (i32.load (i32.add (i32.shl (i32.and (local.get $i) (i32.const 3)) (i32.const 2))
                                   (i32.const 16)))
                (i32.const -1))))
          (local.set $acc (i32.add (local.get $acc) (local.get $ra)))
          (local.set $pc (i32.add (local.get $pc) (i32.const 4)))
          (local.set $ra (i32.add (i32.and (i32.shr_u (local.tee $i (i32.load (local.get $pc)))
                                                      (i32.const 3))
                                           (i32.const 0xff0))
                                  (local.get $base)))
          (br $dispatch))
        (local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const 3)) (i32.const 1)))
        (local.set $pc (i32.add (local.get $pc) (i32.const 4)))
        (local.set $ra (i32.add (i32.and (i32.shr_u (local.tee $i (i32.load (local.get $pc)))
                                                    (i32.const 3))
                                         (i32.const 0xff0))
                                (local.get $base)))
        (br $dispatch)))
    (local.get $acc))
  ;; fetch_vm as Lua's luaV_execute does it, i = *pc++: each case copies pc (with a second
  ;; copy beside it, a Copy2), steps pc and fetches at the copy; the three and the dispatch are
  ;; one instruction (Copy2AddImmFetchDispatchLeanLoop). The same words run as in fetch_vm.
  (func (export "fetch_vm_stepped") (param $pc i32) (param $base i32) (result i32)
    (local $i i32) (local $ra i32) (local $acc i32) (local $at i32) (local $seen i32)
    (local.set $at (local.get $pc))
    (local.set $pc (i32.add (local.get $pc) (i32.const 4)))
    (local.set $ra (i32.add (i32.and (i32.shr_u (local.tee $i (i32.load (local.get $at)))
                                                (i32.const 3))
                                     (i32.const 0xff0))
                            (local.get $base)))
    (loop $dispatch
      (block $default
        (block $c1
          (block $c0
            (br_table $c0 $c1 $default
              (i32.add
                (i32.load (i32.add (i32.shl (i32.and (local.get $i) (i32.const 3)) (i32.const 2))
                                   (i32.const 16)))
                (i32.const -1))))
          (local.set $acc (i32.add (local.get $acc) (local.get $ra)))
          (local.set $at (local.get $pc))
          (local.set $seen (local.get $acc))
          (local.set $pc (i32.add (local.get $pc) (i32.const 4)))
          (local.set $ra (i32.add (i32.and (i32.shr_u (local.tee $i (i32.load (local.get $at)))
                                                      (i32.const 3))
                                           (i32.const 0xff0))
                                  (local.get $base)))
          (br $dispatch))
        (local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const 3)) (i32.const 1)))
        (local.set $at (local.get $pc))
        (local.set $seen (local.get $acc))
        (local.set $pc (i32.add (local.get $pc) (i32.const 4)))
        (local.set $ra (i32.add (i32.and (i32.shr_u (local.tee $i (i32.load (local.get $at)))
                                                    (i32.const 3))
                                         (i32.const 0xff0))
                                (local.get $base)))
        (br $dispatch)))
    (i32.add (local.get $acc) (i32.mul (local.get $seen) (i32.const 0))))
  (data (i32.const 8192) "\01\10\00\00\00\00\00\00\05\ff\00\00\04\00\00\00\02\00\00\00")
  ;; One fetch and the switch on it, with no loop (FetchDispatchLean): case 0 returns ra,
  ;; case 1 i + 1000, the default -1.
  (func (export "fetch_switch") (param $pc i32) (param $base i32) (result i32)
    (local $i i32) (local $ra i32)
    (local.set $ra (i32.add (i32.and (i32.shr_u (local.tee $i (i32.load (local.get $pc)))
                                                (i32.const 3))
                                     (i32.const 0xff0))
                            (local.get $base)))
    (block $default
      (block $c1
        (block $c0
          (br_table $c0 $c1 $default
            (i32.add
              (i32.load (i32.add (i32.shl (i32.and (local.get $i) (i32.const 3)) (i32.const 2))
                                 (i32.const 16)))
              (i32.const -1))))
        (return (local.get $ra)))
      (return (i32.add (local.get $i) (i32.const 1000))))
    (i32.const -1))

;; A bytecode fetch, i = *p; base + ((i >> 3) & 0xff0) (I32LoadShrUAndAddLean): both.
  (func (export "fetch") (param $p i32) (param $base i32) (result i32 i32)
    (local $i i32)
    (i32.add (i32.and (i32.shr_u (local.tee $i (i32.load (local.get $p))) (i32.const 3))
                      (i32.const 0xff0))
             (local.get $base))
    (local.get $i))

;; A rotate, a shift and a scaled index mixed into another value (I32RotlXor, I32ShrUXor,
  ;; I32ShlAdd: the rotated or shifted value is not written), and the same with it kept in
  ;; a local and returned too.
  (func (export "mix") (param $x i32) (param $y i32) (result i32)
    (i32.add (i32.xor (i32.xor (i32.rotl (local.get $x) (i32.const 7)) (local.get $y))
                      (i32.shr_u (local.get $x) (i32.const 3)))
             (i32.shl (local.get $x) (i32.const 2))))
  (func (export "mix_kept") (param $x i32) (param $y i32) (result i32 i32 i32 i32)
    (local $r i32) (local $s i32) (local $t i32)
    (i32.add (i32.xor (i32.xor (local.tee $r (i32.rotl (local.get $x) (i32.const 7)))
                               (local.get $y))
                      (local.tee $s (i32.shr_u (local.get $x) (i32.const 3))))
             (local.tee $t (i32.shl (local.get $x) (i32.const 2))))
    (local.get $r) (local.get $s) (local.get $t))

;; A switch on a masked value, (x & 3) - 1 (BrTableAndImmLean), at a join that a br reaches
  ;; (the br becomes a copy of the switch): v + 100 * the case, v from the branch taken.
  (func (export "tail_switch") (param $x i32) (param $c i32) (result i32)
    (local $v i32)
    (block $join
      (if (local.get $c) (then (local.set $v (i32.const 5)) (br $join)))
      (local.set $v (i32.const 6)))
    (block $d
      (block $b
        (block $a
          (br_table $a $b $d (i32.add (i32.and (local.get $x) (i32.const 3)) (i32.const -1))))
        (return (i32.add (local.get $v) (i32.const 100))))
      (return (i32.add (local.get $v) (i32.const 200))))
    (i32.add (local.get $v) (i32.const 300)))

;; A br to a join whose tail holds a conditional branch: the copy of the tail that replaces
  ;; the br keeps the branch (its target relocated) and falls through to its own next
  ;; instruction. (v + x) * 2 for an odd x, else v + x + 1000; v from the branch taken.
  (func (export "tail_with_branch") (param $x i32) (param $c i32) (result i32)
    (local $v i32)
    (block $join
      (if (local.get $c) (then (local.set $v (i32.const 5)) (br $join)))
      (local.set $v (i32.const 6)))
    (local.set $v (i32.add (local.get $v) (local.get $x)))
    (if (i32.and (local.get $x) (i32.const 1))
      (then (return (i32.mul (local.get $v) (i32.const 2)))))
    (i32.add (local.get $v) (i32.const 1000)))

;; A hash chain walk, i = prev[i & mask] until i <= limit (I32And fused into the
  ;; I32Load16UShlAddLean); prev at $base: steps * 1000 + the last i.
  (func (export "chain") (param $i i32) (param $mask i32) (param $limit i32) (param $base i32)
    (result i32)
    (local $steps i32)
    (block $done
      (loop $next
        (local.set $steps (i32.add (local.get $steps) (i32.const 1)))
        (local.set $i (i32.load16_u
                        (i32.add (i32.shl (i32.and (local.get $i) (local.get $mask)) (i32.const 1))
                                 (local.get $base))))
        (br_if $done (i32.le_u (local.get $i) (local.get $limit)))
        (br_if $next (i32.lt_u (local.get $steps) (i32.const 10)))))
    (i32.add (i32.mul (local.get $steps) (i32.const 1000)) (local.get $i)))

  ;; A forward branch on a masked field compared with a value (BrIfI32NeAndImmLean), and the
  ;; same with the field kept in a local (BrIfI32NeAndImm): 1 if they differ, plus 10 * field.
  (func (export "field_differs") (param $x i32) (param $y i32) (result i32)
    (block $differ
      (br_if $differ (i32.ne (i32.and (local.get $x) (i32.const 0xf0)) (local.get $y)))
      (return (i32.const 0)))
    (i32.const 1))
  (func (export "field_differs_kept") (param $x i32) (param $y i32) (result i32)
    (local $f i32)
    (block $differ
      (br_if $differ (i32.ne (local.tee $f (i32.and (local.get $x) (i32.const 0xf0)))
                             (local.get $y)))
      (return (i32.mul (local.get $f) (i32.const 10))))
    (i32.add (i32.mul (local.get $f) (i32.const 10)) (i32.const 1)))

;; A byte at base + i + j with base + i kept (I32Add fused into I32Load8UAdd): both.
  (func (export "byte_at_sum") (param $base i32) (param $i i32) (param $j i32) (result i32 i32)
    (local $m i32)
    (i32.load8_u (i32.add (local.tee $m (i32.add (local.get $base) (local.get $i))) (local.get $j)))
    (local.get $m))

  ;; Four values moved at a block's end and again for the return: runs of copies (Copy3/4).
  (func (export "reverse4") (param i32 i32 i32 i32) (result i32 i32 i32 i32)
    (block (result i32 i32 i32 i32)
      (local.get 3) (local.get 2) (local.get 1) (local.get 0)))
  (func (export "rotate3") (param i32 i32 i32) (result i32 i32 i32)
    (block (result i32 i32 i32) (local.get 1) (local.get 2) (local.get 0)))

  ;; A call whose argument was just computed as a + imm (I32AddImmCallDefined), and x + 0,
  ;; which emits nothing: fib(n) = fib(n - 1) + fib(n - 2), with fib(n) = n + 0 for n < 2.
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_s (local.get $n) (i32.const 2))
      (then (i32.add (local.get $n) (i32.const 0)))
      (else (i32.add (call $fib (i32.add (local.get $n) (i32.const -1)))
                     (call $fib (i32.add (local.get $n) (i32.const -2)))))))

  ;; The fused call's result set to a local: the local gets the result, not the argument.
  (func $triple (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
  (func (export "call_then_set") (param $x i32) (result i32) (local $r i32)
    (local.set $r (call $triple (i32.add (local.get $x) (i32.const 1))))
    (local.get $r))

  ;; Rotations of one value xor-ed together (I32Rotl2Xor, I32Rotl3Xor, I32Rotl2XorShrUXor).
  (func (export "rot2") (param $x i32) (result i32)
    (i32.xor (i32.rotl (local.get $x) (i32.const 5)) (i32.rotl (local.get $x) (i32.const 9))))
  (func (export "big_sigma") (param $x i32) (result i32)
    (i32.xor (i32.xor (i32.rotl (local.get $x) (i32.const 30)) (i32.rotl (local.get $x) (i32.const 19)))
             (i32.rotl (local.get $x) (i32.const 10))))
  (func (export "small_sigma") (param $x i32) (result i32)
    (i32.xor (i32.xor (i32.rotl (local.get $x) (i32.const 25)) (i32.rotl (local.get $x) (i32.const 14)))
             (i32.shr_u (local.get $x) (i32.const 3))))

  ;; Wraps and reinterprets: the low half must come out clean through every consumer.
  (func (export "wrap_add") (param $x i64) (result i32)
    (i32.add (i32.wrap_i64 (local.get $x)) (i32.const 1)))
  (func (export "wrap_result") (param $x i64) (result i32)
    (i32.wrap_i64 (local.get $x)))
  (func (export "wrap_eqz") (param $x i64) (result i32)
    (i32.eqz (i32.wrap_i64 (local.get $x))))
  (func (export "wrap_extend") (param $x i64) (result i64)
    (i64.extend_i32_u (i32.wrap_i64 (local.get $x))))
  (func (export "reinterpret_roundtrip") (param $x f64) (result f64)
    (f64.reinterpret_i64 (i64.add (i64.reinterpret_f64 (local.get $x)) (i64.const 0))))
  (global $g (mut i32) (i32.const 0))
  (func (export "wrap_global") (param $x i64) (result i32)
    (global.set $g (i32.wrap_i64 (local.get $x)))
    (global.get $g))
  ;; Two i32 operators, the second on the first's result (HM_I32_PAIRS): every pair, and for
  ;; the operators that commute, the result as either operand.
  (func (export "add_then_add") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.add (i32.add (local.get $a) (local.get $b)) (local.get $c)))
  (func (export "add_then_add_rhs") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.add (local.get $c) (i32.add (local.get $a) (local.get $b))))
  (func (export "sub_then_add") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.add (i32.sub (local.get $a) (local.get $b)) (local.get $c)))
  (func (export "sub_then_add_rhs") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.add (local.get $c) (i32.sub (local.get $a) (local.get $b))))
  (func (export "mul_then_add") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.add (i32.mul (local.get $a) (local.get $b)) (local.get $c)))
  (func (export "mul_then_add_rhs") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.add (local.get $c) (i32.mul (local.get $a) (local.get $b))))
  (func (export "and_then_add") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.add (i32.and (local.get $a) (local.get $b)) (local.get $c)))
  (func (export "and_then_add_rhs") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.add (local.get $c) (i32.and (local.get $a) (local.get $b))))
  (func (export "or_then_add") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.add (i32.or (local.get $a) (local.get $b)) (local.get $c)))
  (func (export "or_then_add_rhs") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.add (local.get $c) (i32.or (local.get $a) (local.get $b))))
  (func (export "xor_then_add") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.add (i32.xor (local.get $a) (local.get $b)) (local.get $c)))
  (func (export "xor_then_add_rhs") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.add (local.get $c) (i32.xor (local.get $a) (local.get $b))))
  (func (export "shl_then_add") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.add (i32.shl (local.get $a) (local.get $b)) (local.get $c)))
  (func (export "shl_then_add_rhs") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.add (local.get $c) (i32.shl (local.get $a) (local.get $b))))
  (func (export "shr_u_then_add") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.add (i32.shr_u (local.get $a) (local.get $b)) (local.get $c)))
  (func (export "shr_u_then_add_rhs") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.add (local.get $c) (i32.shr_u (local.get $a) (local.get $b))))
  (func (export "add_then_sub") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.sub (i32.add (local.get $a) (local.get $b)) (local.get $c)))
  (func (export "sub_then_sub") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.sub (i32.sub (local.get $a) (local.get $b)) (local.get $c)))
  (func (export "mul_then_sub") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.sub (i32.mul (local.get $a) (local.get $b)) (local.get $c)))
  (func (export "and_then_sub") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.sub (i32.and (local.get $a) (local.get $b)) (local.get $c)))
  (func (export "or_then_sub") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.sub (i32.or (local.get $a) (local.get $b)) (local.get $c)))
  (func (export "xor_then_sub") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.sub (i32.xor (local.get $a) (local.get $b)) (local.get $c)))
  (func (export "shl_then_sub") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.sub (i32.shl (local.get $a) (local.get $b)) (local.get $c)))
  (func (export "shr_u_then_sub") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.sub (i32.shr_u (local.get $a) (local.get $b)) (local.get $c)))
  (func (export "add_then_and") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.and (i32.add (local.get $a) (local.get $b)) (local.get $c)))
  (func (export "add_then_and_rhs") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.and (local.get $c) (i32.add (local.get $a) (local.get $b))))
  (func (export "sub_then_and") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.and (i32.sub (local.get $a) (local.get $b)) (local.get $c)))
  (func (export "sub_then_and_rhs") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.and (local.get $c) (i32.sub (local.get $a) (local.get $b))))
  (func (export "mul_then_and") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.and (i32.mul (local.get $a) (local.get $b)) (local.get $c)))
  (func (export "mul_then_and_rhs") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.and (local.get $c) (i32.mul (local.get $a) (local.get $b))))
  (func (export "and_then_and") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.and (i32.and (local.get $a) (local.get $b)) (local.get $c)))
  (func (export "and_then_and_rhs") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.and (local.get $c) (i32.and (local.get $a) (local.get $b))))
  (func (export "or_then_and") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.and (i32.or (local.get $a) (local.get $b)) (local.get $c)))
  (func (export "or_then_and_rhs") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.and (local.get $c) (i32.or (local.get $a) (local.get $b))))
  (func (export "xor_then_and") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.and (i32.xor (local.get $a) (local.get $b)) (local.get $c)))
  (func (export "xor_then_and_rhs") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.and (local.get $c) (i32.xor (local.get $a) (local.get $b))))
  (func (export "shl_then_and") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.and (i32.shl (local.get $a) (local.get $b)) (local.get $c)))
  (func (export "shl_then_and_rhs") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.and (local.get $c) (i32.shl (local.get $a) (local.get $b))))
  (func (export "shr_u_then_and") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.and (i32.shr_u (local.get $a) (local.get $b)) (local.get $c)))
  (func (export "shr_u_then_and_rhs") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.and (local.get $c) (i32.shr_u (local.get $a) (local.get $b))))
  (func (export "add_then_or") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.or (i32.add (local.get $a) (local.get $b)) (local.get $c)))
  (func (export "add_then_or_rhs") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.or (local.get $c) (i32.add (local.get $a) (local.get $b))))
  (func (export "sub_then_or") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.or (i32.sub (local.get $a) (local.get $b)) (local.get $c)))
  (func (export "sub_then_or_rhs") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.or (local.get $c) (i32.sub (local.get $a) (local.get $b))))
  (func (export "mul_then_or") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.or (i32.mul (local.get $a) (local.get $b)) (local.get $c)))
  (func (export "mul_then_or_rhs") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.or (local.get $c) (i32.mul (local.get $a) (local.get $b))))
  (func (export "and_then_or") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.or (i32.and (local.get $a) (local.get $b)) (local.get $c)))
  (func (export "and_then_or_rhs") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.or (local.get $c) (i32.and (local.get $a) (local.get $b))))
  (func (export "or_then_or") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.or (i32.or (local.get $a) (local.get $b)) (local.get $c)))
  (func (export "or_then_or_rhs") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.or (local.get $c) (i32.or (local.get $a) (local.get $b))))
  (func (export "xor_then_or") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.or (i32.xor (local.get $a) (local.get $b)) (local.get $c)))
  (func (export "xor_then_or_rhs") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.or (local.get $c) (i32.xor (local.get $a) (local.get $b))))
  (func (export "shl_then_or") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.or (i32.shl (local.get $a) (local.get $b)) (local.get $c)))
  (func (export "shl_then_or_rhs") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.or (local.get $c) (i32.shl (local.get $a) (local.get $b))))
  (func (export "shr_u_then_or") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.or (i32.shr_u (local.get $a) (local.get $b)) (local.get $c)))
  (func (export "shr_u_then_or_rhs") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.or (local.get $c) (i32.shr_u (local.get $a) (local.get $b))))
  (func (export "add_then_xor") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.xor (i32.add (local.get $a) (local.get $b)) (local.get $c)))
  (func (export "add_then_xor_rhs") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.xor (local.get $c) (i32.add (local.get $a) (local.get $b))))
  (func (export "sub_then_xor") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.xor (i32.sub (local.get $a) (local.get $b)) (local.get $c)))
  (func (export "sub_then_xor_rhs") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.xor (local.get $c) (i32.sub (local.get $a) (local.get $b))))
  (func (export "mul_then_xor") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.xor (i32.mul (local.get $a) (local.get $b)) (local.get $c)))
  (func (export "mul_then_xor_rhs") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.xor (local.get $c) (i32.mul (local.get $a) (local.get $b))))
  (func (export "and_then_xor") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.xor (i32.and (local.get $a) (local.get $b)) (local.get $c)))
  (func (export "and_then_xor_rhs") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.xor (local.get $c) (i32.and (local.get $a) (local.get $b))))
  (func (export "or_then_xor") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.xor (i32.or (local.get $a) (local.get $b)) (local.get $c)))
  (func (export "or_then_xor_rhs") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.xor (local.get $c) (i32.or (local.get $a) (local.get $b))))
  (func (export "xor_then_xor") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.xor (i32.xor (local.get $a) (local.get $b)) (local.get $c)))
  (func (export "xor_then_xor_rhs") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.xor (local.get $c) (i32.xor (local.get $a) (local.get $b))))
  (func (export "shl_then_xor") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.xor (i32.shl (local.get $a) (local.get $b)) (local.get $c)))
  (func (export "shl_then_xor_rhs") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.xor (local.get $c) (i32.shl (local.get $a) (local.get $b))))
  (func (export "shr_u_then_xor") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.xor (i32.shr_u (local.get $a) (local.get $b)) (local.get $c)))
  (func (export "shr_u_then_xor_rhs") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.xor (local.get $c) (i32.shr_u (local.get $a) (local.get $b))))

  ;; A store, then an i32.add (<Store>ThenAdd): every store form, its value from a slot or an
  ;; immediate, and a store that traps before the add happens. Each returns the sum plus what
  ;; the store left at 1024 (an i64 load) so that both parts are checked.
  (func $stored (result i64) (i64.load (i32.const 1024)))
  (func $clear (i64.store (i32.const 1024) (i64.const 0)))
  (func (export "i32_store_then_add") (param $p i32) (param $v i32) (param $a i32) (param $b i32) (result i32 i64)
    (local $s i32)
    (call $clear)
    (i32.store (local.get $p) (local.get $v))
    (local.set $s (i32.add (local.get $a) (local.get $b)))
    (local.get $s) (call $stored))
  (func (export "i32_store_imm_then_add") (param $p i32) (param $a i32) (param $b i32) (result i32 i64)
    (local $s i32)
    (call $clear)
    (i32.store (local.get $p) (i32.const -2))
    (local.set $s (i32.add (local.get $a) (local.get $b)))
    (local.get $s) (call $stored))
  (func (export "i64_store_then_add") (param $p i32) (param $v i64) (param $a i32) (param $b i32) (result i32 i64)
    (local $s i32)
    (call $clear)
    (i64.store (local.get $p) (local.get $v))
    (local.set $s (i32.add (local.get $a) (local.get $b)))
    (local.get $s) (call $stored))
  (func (export "i64_store_imm_then_add") (param $p i32) (param $a i32) (param $b i32) (result i32 i64)
    (local $s i32)
    (call $clear)
    (i64.store (local.get $p) (i64.const -2))
    (local.set $s (i32.add (local.get $a) (local.get $b)))
    (local.get $s) (call $stored))
  (func (export "i32_store8_then_add") (param $p i32) (param $v i32) (param $a i32) (param $b i32) (result i32 i64)
    (local $s i32)
    (call $clear)
    (i32.store8 (local.get $p) (local.get $v))
    (local.set $s (i32.add (local.get $a) (local.get $b)))
    (local.get $s) (call $stored))
  (func (export "i32_store8_imm_then_add") (param $p i32) (param $a i32) (param $b i32) (result i32 i64)
    (local $s i32)
    (call $clear)
    (i32.store8 (local.get $p) (i32.const -2))
    (local.set $s (i32.add (local.get $a) (local.get $b)))
    (local.get $s) (call $stored))
  (func (export "i32_store16_then_add") (param $p i32) (param $v i32) (param $a i32) (param $b i32) (result i32 i64)
    (local $s i32)
    (call $clear)
    (i32.store16 (local.get $p) (local.get $v))
    (local.set $s (i32.add (local.get $a) (local.get $b)))
    (local.get $s) (call $stored))
  (func (export "i32_store16_imm_then_add") (param $p i32) (param $a i32) (param $b i32) (result i32 i64)
    (local $s i32)
    (call $clear)
    (i32.store16 (local.get $p) (i32.const -2))
    (local.set $s (i32.add (local.get $a) (local.get $b)))
    (local.get $s) (call $stored))
  (func (export "i64_store32_then_add") (param $p i32) (param $v i64) (param $a i32) (param $b i32) (result i32 i64)
    (local $s i32)
    (call $clear)
    (i64.store32 (local.get $p) (local.get $v))
    (local.set $s (i32.add (local.get $a) (local.get $b)))
    (local.get $s) (call $stored))
  (func (export "i64_store32_imm_then_add") (param $p i32) (param $a i32) (param $b i32) (result i32 i64)
    (local $s i32)
    (call $clear)
    (i64.store32 (local.get $p) (i64.const -2))
    (local.set $s (i32.add (local.get $a) (local.get $b)))
    (local.get $s) (call $stored))
  ;; Two steps in a row (I32AddImmThenAddImm, I32AddImmThenAdd), the second reading the first.
  (func (export "step_step") (param $i i32) (param $j i32) (result i32 i32)
    (local.set $i (i32.add (local.get $i) (i32.const 3)))
    (local.set $j (i32.add (local.get $i) (i32.const -1)))
    (local.get $i) (local.get $j))
  (func (export "step_add") (param $i i32) (param $j i32) (result i32 i32)
    (local.set $i (i32.add (local.get $i) (i32.const 5)))
    (local.set $j (i32.add (local.get $j) (local.get $i)))
    (local.get $i) (local.get $j))

  ;; Accesses at constant addresses (<Load>Abs, <Store>Abs, <Store>ImmAbs): bytes 2048..2055
  ;; hold f0 e1 d2 c3 b4 a5 96 87; each load reads at 2040 + offset 8, and at 65535 + an offset
  ;; that carries past 2^32 (a trap, not a wrap).
  (data (i32.const 2048) "\f0\e1\d2\c3\b4\a5\96\87")
  (func (export "abs_i32_load") (result i32) (i32.load offset=8 (i32.const 2040)))
  (func (export "abs_i32_load_wrap") (result i32) (i32.load offset=4294967295 (i32.const 1)))
  (func (export "abs_i64_load") (result i64) (i64.load offset=8 (i32.const 2040)))
  (func (export "abs_i64_load_wrap") (result i64) (i64.load offset=4294967295 (i32.const 1)))
  (func (export "abs_i32_load8_s") (result i32) (i32.load8_s offset=8 (i32.const 2040)))
  (func (export "abs_i32_load8_s_wrap") (result i32) (i32.load8_s offset=4294967295 (i32.const 1)))
  (func (export "abs_i32_load8_u") (result i32) (i32.load8_u offset=8 (i32.const 2040)))
  (func (export "abs_i32_load8_u_wrap") (result i32) (i32.load8_u offset=4294967295 (i32.const 1)))
  (func (export "abs_i32_load16_s") (result i32) (i32.load16_s offset=8 (i32.const 2040)))
  (func (export "abs_i32_load16_s_wrap") (result i32) (i32.load16_s offset=4294967295 (i32.const 1)))
  (func (export "abs_i32_load16_u") (result i32) (i32.load16_u offset=8 (i32.const 2040)))
  (func (export "abs_i32_load16_u_wrap") (result i32) (i32.load16_u offset=4294967295 (i32.const 1)))
  (func (export "abs_i64_load8_s") (result i64) (i64.load8_s offset=8 (i32.const 2040)))
  (func (export "abs_i64_load8_s_wrap") (result i64) (i64.load8_s offset=4294967295 (i32.const 1)))
  (func (export "abs_i64_load8_u") (result i64) (i64.load8_u offset=8 (i32.const 2040)))
  (func (export "abs_i64_load8_u_wrap") (result i64) (i64.load8_u offset=4294967295 (i32.const 1)))
  (func (export "abs_i64_load16_s") (result i64) (i64.load16_s offset=8 (i32.const 2040)))
  (func (export "abs_i64_load16_s_wrap") (result i64) (i64.load16_s offset=4294967295 (i32.const 1)))
  (func (export "abs_i64_load16_u") (result i64) (i64.load16_u offset=8 (i32.const 2040)))
  (func (export "abs_i64_load16_u_wrap") (result i64) (i64.load16_u offset=4294967295 (i32.const 1)))
  (func (export "abs_i64_load32_s") (result i64) (i64.load32_s offset=8 (i32.const 2040)))
  (func (export "abs_i64_load32_s_wrap") (result i64) (i64.load32_s offset=4294967295 (i32.const 1)))
  (func (export "abs_i64_load32_u") (result i64) (i64.load32_u offset=8 (i32.const 2040)))
  (func (export "abs_i64_load32_u_wrap") (result i64) (i64.load32_u offset=4294967295 (i32.const 1)))
  (func (export "abs_i32_store") (param $v i32) (result i64)
    (i64.store (i32.const 3072) (i64.const 0))
    (i32.store offset=72 (i32.const 3000) (local.get $v))
    (i64.load (i32.const 3072)))
  (func (export "abs_i32_store_imm") (result i64)
    (i64.store (i32.const 3072) (i64.const 0))
    (i32.store offset=72 (i32.const 3000) (i32.const -3))
    (i64.load (i32.const 3072)))
  (func (export "abs_i32_store_end") (param $v i32) (i32.store (i32.const 65535) (local.get $v)))
  (func (export "abs_i32_store_imm_end") (i32.store (i32.const 65535) (i32.const 1)))
  (func (export "abs_i64_store") (param $v i64) (result i64)
    (i64.store (i32.const 3072) (i64.const 0))
    (i64.store offset=72 (i32.const 3000) (local.get $v))
    (i64.load (i32.const 3072)))
  (func (export "abs_i64_store_imm") (result i64)
    (i64.store (i32.const 3072) (i64.const 0))
    (i64.store offset=72 (i32.const 3000) (i64.const -3))
    (i64.load (i32.const 3072)))
  (func (export "abs_i64_store_end") (param $v i64) (i64.store (i32.const 65535) (local.get $v)))
  (func (export "abs_i64_store_imm_end") (i64.store (i32.const 65535) (i64.const 1)))
  (func (export "abs_i32_store8") (param $v i32) (result i64)
    (i64.store (i32.const 3072) (i64.const 0))
    (i32.store8 offset=72 (i32.const 3000) (local.get $v))
    (i64.load (i32.const 3072)))
  (func (export "abs_i32_store8_imm") (result i64)
    (i64.store (i32.const 3072) (i64.const 0))
    (i32.store8 offset=72 (i32.const 3000) (i32.const -3))
    (i64.load (i32.const 3072)))
  (func (export "abs_i32_store8_end") (param $v i32) (i32.store8 (i32.const 65535) (local.get $v)))
  (func (export "abs_i32_store8_imm_end") (i32.store8 (i32.const 65535) (i32.const 1)))
  (func (export "abs_i32_store16") (param $v i32) (result i64)
    (i64.store (i32.const 3072) (i64.const 0))
    (i32.store16 offset=72 (i32.const 3000) (local.get $v))
    (i64.load (i32.const 3072)))
  (func (export "abs_i32_store16_imm") (result i64)
    (i64.store (i32.const 3072) (i64.const 0))
    (i32.store16 offset=72 (i32.const 3000) (i32.const -3))
    (i64.load (i32.const 3072)))
  (func (export "abs_i32_store16_end") (param $v i32) (i32.store16 (i32.const 65535) (local.get $v)))
  (func (export "abs_i32_store16_imm_end") (i32.store16 (i32.const 65535) (i32.const 1)))
  (func (export "abs_i64_store32") (param $v i64) (result i64)
    (i64.store (i32.const 3072) (i64.const 0))
    (i64.store32 offset=72 (i32.const 3000) (local.get $v))
    (i64.load (i32.const 3072)))
  (func (export "abs_i64_store32_imm") (result i64)
    (i64.store (i32.const 3072) (i64.const 0))
    (i64.store32 offset=72 (i32.const 3000) (i64.const -3))
    (i64.load (i32.const 3072)))
  (func (export "abs_i64_store32_end") (param $v i64) (i64.store32 (i32.const 65535) (local.get $v)))
  (func (export "abs_i64_store32_imm_end") (i64.store32 (i32.const 65535) (i64.const 1)))

  ;; Sigmas added up (I32Rotl3XorAdd, I32Rotl2XorShrUXorAdd) and loaded values added
  ;; (I32LoadThenAdd, I32LoadAddLeanThenAdd, I32LoadAddImmLeanThenAdd), the fused result on
  ;; either side of the add. Words at 4096: 100, 20, 3.
  (data (i32.const 4096) "\64\00\00\00\14\00\00\00\03\00\00\00")
  (func (export "big_sigma_add") (param $x i32) (param $b i32) (result i32)
    (i32.add (local.get $b)
      (i32.xor (i32.xor (i32.rotl (local.get $x) (i32.const 30)) (i32.rotl (local.get $x) (i32.const 19)))
               (i32.rotl (local.get $x) (i32.const 10)))))
  (func (export "small_sigma_add") (param $x i32) (param $b i32) (result i32)
    (i32.add
      (i32.xor (i32.xor (i32.rotl (local.get $x) (i32.const 25)) (i32.rotl (local.get $x) (i32.const 14)))
               (i32.shr_u (local.get $x) (i32.const 3)))
      (local.get $b)))
  (func (export "load_then_add") (param $p i32) (param $b i32) (result i32)
    (i32.add (i32.load offset=4 (local.get $p)) (local.get $b)))
  (func (export "load_then_add_rhs") (param $p i32) (param $b i32) (result i32)
    (i32.add (local.get $b) (i32.load offset=4 (local.get $p))))
  (func (export "load_sum_then_add") (param $p i32) (param $i i32) (param $b i32) (result i32)
    (i32.add (local.get $b) (i32.load offset=4 (i32.add (local.get $p) (local.get $i)))))
  (func (export "load_step_then_add") (param $p i32) (param $b i32) (result i32)
    (i32.add (i32.load offset=4 (i32.add (local.get $p) (i32.const 4))) (local.get $b)))
  ;; A sum over words, the shape the fusions serve: sum += p[i].
  (func (export "sum_words") (param $p i32) (param $n i32) (result i32) (local $s i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $s (i32.add (local.get $s) (i32.load (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (local.set $n (i32.add (local.get $n) (i32.const -1)))
        (br $next)))
    (local.get $s))

  ;; Locals passed on as arguments: their copies into place fuse with the call
  ;; (CopyCallDefined, Copy2CallDefined), and the caller goes on after it.
  (func $minus (param i32 i32) (result i32) (i32.sub (local.get 0) (local.get 1)))
  (func $negate (param i32) (result i32) (i32.sub (i32.const 0) (local.get 0)))
  (func (export "pass_two") (param $a i32) (param $b i32) (result i32)
    (i32.add (call $minus (local.get $b) (local.get $a)) (local.get $a)))
  (func (export "pass_one") (param $a i32) (param $b i32) (result i32)
    (i32.mul (call $negate (local.get $b)) (local.get $a)))

  ;; A loaded value stored straight back elsewhere (I32LoadStore, I64LoadStore, Load8Store8,
  ;; Load16Store16): copies from 2048 (f0 e1 d2 c3 b4 a5 96 87) to 5120, read back as an i64.
  ;; And an element of a struct array, base + i * 12 (I32MulImmAdd).
  (func (export "move_i32") (param $from i32) (param $to i32) (result i64)
    (i64.store (i32.const 5120) (i64.const 0))
    (i32.store offset=1 (local.get $to) (i32.load offset=2 (local.get $from)))
    (i64.load (i32.const 5120)))
  (func (export "move_i64") (param $from i32) (param $to i32) (result i64)
    (i64.store (i32.const 5120) (i64.const 0))
    (i64.store offset=1 (local.get $to) (i64.load offset=2 (local.get $from)))
    (i64.load (i32.const 5120)))
  (func (export "move_u8") (param $from i32) (param $to i32) (result i64)
    (i64.store (i32.const 5120) (i64.const 0))
    (i32.store8 offset=1 (local.get $to) (i32.load8_u offset=2 (local.get $from)))
    (i64.load (i32.const 5120)))
  (func (export "move_s8") (param $from i32) (param $to i32) (result i64)
    (i64.store (i32.const 5120) (i64.const 0))
    (i32.store8 offset=1 (local.get $to) (i32.load8_s offset=2 (local.get $from)))
    (i64.load (i32.const 5120)))
  (func (export "move_u16") (param $from i32) (param $to i32) (result i64)
    (i64.store (i32.const 5120) (i64.const 0))
    (i32.store16 offset=1 (local.get $to) (i32.load16_u offset=2 (local.get $from)))
    (i64.load (i32.const 5120)))
  (func (export "move_s16") (param $from i32) (param $to i32) (result i64)
    (i64.store (i32.const 5120) (i64.const 0))
    (i32.store16 offset=1 (local.get $to) (i32.load16_s offset=2 (local.get $from)))
    (i64.load (i32.const 5120)))
  (func (export "element") (param $base i32) (param $i i32) (result i32)
    (i32.add (local.get $base) (i32.mul (local.get $i) (i32.const 12))))
  (func (export "element_rhs") (param $base i32) (param $i i32) (result i32)
    (i32.add (i32.mul (local.get $i) (i32.const 12)) (local.get $base))))
