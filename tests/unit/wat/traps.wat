;; One export per trap kind, plus a few well-behaved exports to show the instance survives.
(module
  (type $void_to_i32 (func (result i32)))
  (type $i32_to_i32 (func (param i32) (result i32)))
  (memory (export "mem") 1)
  (table $tab 4 funcref)
  ;; Slot 0 has type () -> i32, slot 1 (i32) -> i32, slots 2 and 3 stay null.
  (elem (table $tab) (i32.const 0) func $seven $inc)

  (func $seven (type $void_to_i32) (i32.const 7))
  (func $inc (type $i32_to_i32) (i32.add (local.get 0) (i32.const 1)))

  (func $add (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1)))

  (func $unreachable (export "unreachable") unreachable)

  ;; outer -> middle -> innermost, which traps: the backtrace names all three.
  (func $innermost unreachable)
  (func $middle (call $innermost))
  (func $outer (export "nested_unreachable") (call $middle))

  (func $load (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  ;; The static offset and the address add up past 4 GiB: no 32-bit wrap-around.
  (func $load_far (export "load_far") (param i32) (result i32)
    (i32.load offset=0xffffffff (local.get 0)))
  (func $store (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  ;; Writes, then traps: the write must persist.
  (func $store_then_trap (export "store_then_trap") (param i32 i32)
    (i32.store (local.get 0) (local.get 1))
    unreachable)

  (func $table_get (export "table_get") (param i32) (result funcref)
    (table.get $tab (local.get 0)))

  (func $div_s (export "div_s") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))
  (func $rem_u (export "rem_u") (param i64 i64) (result i64)
    (i64.rem_u (local.get 0) (local.get 1)))
  (func $trunc_f32_s (export "trunc_f32_s") (param f32) (result i32)
    (i32.trunc_f32_s (local.get 0)))
  (func $trunc_f64_u (export "trunc_f64_u") (param f64) (result i64)
    (i64.trunc_f64_u (local.get 0)))

  ;; Calls table slot i as () -> i32.
  (func $call_slot (export "call_slot") (param i32) (result i32)
    (call_indirect $tab (type $void_to_i32) (local.get 0)))

  ;; Never returns: each call adds a frame.
  (func $recurse (export "recurse") (param i32) (result i32)
    (call $recurse (i32.add (local.get 0) (i32.const 1))))
)
