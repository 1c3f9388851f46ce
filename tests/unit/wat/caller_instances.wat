;; Host calls from two instances of one module, one calling the other: what the host's Caller
;; says is the calling instance (its memory's byte 0 tags it) follows calls and returns.
(module
  (import "host" "tag" (func $host_tag (result i32)))
  (import "other" "tag" (func $other_tag (result i32)))
  (memory (export "mem") 1)
  (func (export "tag") (result i32) (call $host_tag))
  ;; host, other instance (through its export, which calls the host), host again:
  ;; digits of the three tags.
  (func (export "mixed") (result i32)
    (i32.add
      (i32.add (i32.mul (call $host_tag) (i32.const 100))
               (i32.mul (call $other_tag) (i32.const 10)))
      (call $host_tag))))
