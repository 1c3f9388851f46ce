;; environ_sizes_get / environ_get behind thin wasm wrappers (a WASI function needs a calling instance for its memory).
(module
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $sizes (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $get (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "environ_sizes_get") (param i32 i32) (result i32)
    (call $sizes (local.get 0) (local.get 1)))
  (func (export "environ_get") (param i32 i32) (result i32)
    (call $get (local.get 0) (local.get 1))))
