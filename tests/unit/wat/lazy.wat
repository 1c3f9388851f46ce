;; Lazy translation (tests/unit/test_runtime_lazy.cpp): bodies are translated on first call,
;; whoever makes it (the host, a direct call, call_indirect) and on whichever thread.
(module
  (type $i_i (func (param i32) (result i32)))
  (table 3 funcref)
  (elem (i32.const 0) $square $boom $leaf)
  (func $square (export "square") (param i32) (result i32)
    local.get 0
    local.get 0
    i32.mul)
  (func $boom (export "boom") (param i32) (result i32)
    (local i64 f64)
    unreachable)
  ;; Declared locals start at zero, also in a body translated on entry.
  (func $leaf (export "leaf") (param i32) (result i32)
    (local i32 i64 i32)
    local.get 1
    local.get 0
    i32.add
    i32.const 1
    i32.add)
  (func $via_call (export "via_call") (param i32) (result i32)
    local.get 0
    call $leaf)
  (func $via_indirect (export "via_indirect") (param i32 i32) (result i32)
    local.get 0
    local.get 1
    call_indirect (type $i_i))
  ;; traps in $boom, reached through call_indirect: backtrace boom <- trap_deep <- trap_outer
  (func $trap_deep (export "trap_deep") (result i32)
    i32.const 5
    i32.const 1
    call_indirect (type $i_i))
  (func $trap_outer (export "trap_outer") (result i32)
    call $trap_deep
    i32.const 1
    i32.add)
  (func $fib (export "fib") (param i32) (result i32)
    local.get 0
    i32.const 2
    i32.lt_u
    if (result i32)
      local.get 0
    else
      local.get 0
      i32.const 1
      i32.sub
      call $fib
      local.get 0
      i32.const 2
      i32.sub
      call $fib
      i32.add
    end)
  ;; Sums fib(0..n) through the three call paths, so that threads race on every translation.
  (func $mix (export "mix") (param i32) (result i32)
    (local $i i32) (local $sum i32)
    block $done
      loop $next
        local.get $i
        local.get 0
        i32.ge_u
        br_if $done
        local.get $sum
        local.get $i
        call $fib
        i32.add
        local.get $i
        i32.const 2
        call_indirect (type $i_i)
        i32.add
        local.get $i
        call $square
        i32.add
        local.set $sum
        local.get $i
        i32.const 1
        i32.add
        local.set $i
        br $next
      end
    end
    local.get $sum)
  (func $never (export "never") (result i32)
    i32.const 7))
