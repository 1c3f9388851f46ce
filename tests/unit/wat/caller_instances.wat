;; Host calls from two instances of one module, one calling the other: what the host's Caller
;; says is the calling instance (its memory's byte 0 tags it) follows calls and returns; and a
;; host call that grows the caller's memory.
(module
  (import "host" "tag" (func $host_tag (result i32)))
  (import "other" "tag" (func $other_tag (result i32)))
  ;; Grows the caller's memory by a page; returns its old size in pages.
  (import "host" "grow" (func $host_grow (result i32)))
  (memory (export "mem") 1)
  (func (export "tag") (result i32) (call $host_tag))
  ;; host, other instance (through its export, which calls the host), host again:
  ;; digits of the three tags.
  (func (export "mixed") (result i32)
    (i32.add
      (i32.add (i32.mul (call $host_tag) (i32.const 100))
               (i32.mul (call $other_tag) (i32.const 10)))
      (call $host_tag)))
  ;; Writes and reads the first word of the page the host adds: the interpreter must see the
  ;; new size after the host call.
  (func (export "grow_and_use") (result i32)
    (local $at i32)
    (local.set $at (i32.mul (call $host_grow) (i32.const 65536)))
    (i32.store (local.get $at) (i32.const 0x5a5a))
    (i32.load (local.get $at))))
