;; A misbehaving guest for tests/ffi: its allocator and its string results go wrong on demand
;; (set_mode), so each failure the host must survive is one call away.
(module
  (memory (export "memory") 2)
  (global $mode (mut i32) (i32.const 0))
  (global $heap (mut i32) (i32.const 4096))
  (global $frees (mut i32) (i32.const 0))
  (data (i32.const 16) "\ff\fehello")

  (func (export "set_mode") (param i32) (global.set $mode (local.get 0)))
  (func (export "frees") (result i32) (global.get $frees))

  (func (export "hail_mary_alloc") (param $n i32) (result i32) (local $p i32)
    (if (i32.eq (global.get $mode) (i32.const 1)) (then (return (i32.const 0))))
    (if (i32.eq (global.get $mode) (i32.const 2)) (then (return (i32.const 0xFFFFFF00))))
    (if (i32.eq (global.get $mode) (i32.const 3)) (then unreachable))
    (if (i32.eq (global.get $mode) (i32.const 5)) (then (return (i32.const 0x1FFF0))))
    (local.set $p (global.get $heap))
    (global.set $heap
      (i32.and (i32.add (i32.add (local.get $p) (local.get $n)) (i32.const 7)) (i32.const -8)))
    (local.get $p))

  (func (export "hail_mary_free") (param i32 i32)
    (if (i32.eq (global.get $mode) (i32.const 4)) (then unreachable))
    (global.set $frees (i32.add (global.get $frees) (i32.const 1))))

  ;; StringResult get_string(): ptr at +0, len at +4, error at +8 of the return area.
  (func $set (param $ret i32) (param $ptr i32) (param $len i32) (param $err i32)
    (i32.store (local.get $ret) (local.get $ptr))
    (i32.store offset=4 (local.get $ret) (local.get $len))
    (i32.store offset=8 (local.get $ret) (local.get $err)))
  (func (export "get_string") (param $ret i32) (local $m i32)
    (local.set $m (global.get $mode))
    (if (i32.eq (local.get $m) (i32.const 10))  ;; pointer past the end of memory
      (then (return (call $set (local.get $ret) (i32.const 0xFFFF0000) (i32.const 16) (i32.const 0)))))
    (if (i32.eq (local.get $m) (i32.const 11))  ;; length near 2^32
      (then (return (call $set (local.get $ret) (i32.const 16) (i32.const 0xFFFFFFF0) (i32.const 0)))))
    (if (i32.eq (local.get $m) (i32.const 12))  ;; invalid UTF-8
      (then (return (call $set (local.get $ret) (i32.const 16) (i32.const 2) (i32.const 0)))))
    (if (i32.eq (local.get $m) (i32.const 13))  ;; an error code outside the ABI
      (then (return (call $set (local.get $ret) (i32.const 0) (i32.const 0) (i32.const 77)))))
    (if (i32.eq (local.get $m) (i32.const 14))  ;; null pointer with a length
      (then (return (call $set (local.get $ret) (i32.const 0) (i32.const 5) (i32.const 0)))))
    (if (i32.eq (local.get $m) (i32.const 15))  ;; trap half-way through writing the result
      (then (i32.store (local.get $ret) (i32.const 18)) (unreachable)))
    (if (i32.eq (local.get $m) (i32.const 16))  ;; an application-defined code
      (then (return (call $set (local.get $ret) (i32.const 0) (i32.const 0) (i32.const 1004)))))
    (call $set (local.get $ret) (i32.const 18) (i32.const 5) (i32.const 0)))

  ;; A pointer to a Point (align 4) that is not aligned.
  (func (export "point_ptr") (result i32) (i32.const 17))
  ;; Takes a string; returns its length.
  (func (export "str_len") (param i32 i32) (result i32) (local.get 1))
  ;; Declared with the wrong type on purpose: (i32) -> i32 where hosts expect (i32, i32) -> i32.
  (func (export "add") (param i32) (result i32) (local.get 0))
  ;; Multi-value results for std::tuple.
  (func (export "pair") (param i32) (result i32 i64 f64)
    (local.get 0) (i64.extend_i32_s (local.get 0)) (f64.const 0.5))
)
