;; Exports one of each kind, to be re-exported through Linker::define_instance.
(module
  (memory (export "mem") 2)
  (global $counter (export "counter") (mut i32) (i32.const 100))
  (table (export "tab") 2 funcref)
  (elem (i32.const 0) func $forty_two)
  (func $forty_two (export "forty_two") (result i32) (i32.const 42))
  (func $add (export "f") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1000)))
  (func $load (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func $store (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func $get_counter (export "get_counter") (result i32) (global.get $counter)))
