;; Two active data segments into an imported memory; the second does not fit. The first is
;; written before the failure and stays written (spec: segments apply in order).
(module
  (import "env" "mem" (memory 1))
  (data (i32.const 0) "ok")
  (data (i32.const 65535) "xx"))
