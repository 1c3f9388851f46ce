;; The start function traps, so instantiation fails.
(module
  (func $start unreachable)
  (start $start))
