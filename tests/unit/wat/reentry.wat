;; Wasm that calls the host with the value stack nearly full, so that the host's own calls
;; back into wasm start near the stack's end.
(module
  (import "env" "bottom" (func $bottom))
  (func $add (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  ;; The same through a call: not leaf code, so it runs in the interpreter that checks for room.
  (func (export "add_by_call") (param i32 i32) (result i32) (call $add (local.get 0) (local.get 1)))
  ;; Recurses n levels with 64 extra slots a frame, then calls the host.
  (func $wide (export "wide_then_host") (param $n i32) (result i32)
    (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64
           i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64
           i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64
           i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
    (if (result i32) (i32.eqz (local.get $n))
      (then (call $bottom) (i32.const 0))
      (else (i32.add (call $wide (i32.sub (local.get $n) (i32.const 1))) (i32.const 1))))))
