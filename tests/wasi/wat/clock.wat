;; clock_res_get / clock_time_get behind thin wasm wrappers (a WASI function needs a calling instance for its memory).
(module
  (import "wasi_snapshot_preview1" "clock_res_get" (func $res (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $time (param i32 i64 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "clock_res_get") (param i32 i32) (result i32)
    (call $res (local.get 0) (local.get 1)))
  (func (export "clock_time_get") (param i32 i64 i32) (result i32)
    (call $time (local.get 0) (local.get 1) (local.get 2))))
