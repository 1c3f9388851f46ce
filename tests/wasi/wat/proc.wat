;; proc_exit, proc_raise, sched_yield, sock_recv behind thin wasm wrappers (a WASI function
;; needs a calling instance for its memory); `exit_then_trap` proves that
;; proc_exit unwinds (the unreachable after it never runs); `_start` exits with status 3.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (import "wasi_snapshot_preview1" "proc_raise" (func $proc_raise (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "sched_yield" (func $sched_yield (result i32)))
  (import "wasi_snapshot_preview1" "sock_recv"
    (func $sock_recv (param i32 i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (global $after (export "after") (mut i32) (i32.const 0))
  (func (export "proc_exit") (param i32)
    (call $proc_exit (local.get 0)))
  (func (export "proc_raise") (param i32) (result i32)
    (call $proc_raise (local.get 0)))
  (func (export "sched_yield") (result i32)
    (call $sched_yield))
  (func (export "sock_recv") (param i32 i32 i32 i32 i32 i32) (result i32)
    (call $sock_recv (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4) (local.get 5)))
  (func (export "exit_then_trap") (param $code i32)
    (call $proc_exit (local.get $code))
    (global.set $after (i32.const 1))
    unreachable)
  (func (export "_start")
    (call $proc_exit (i32.const 3))))
