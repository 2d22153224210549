;; AES (FIPS-197) on 32-bit T-tables with the IGE chaining around it, plus the two v128 XOR passes
;; of the native-CBC encryption trick (aes-ige.ts). Knows nothing about MTProto or about JS values:
;; the host (wasm-aes.ts) fills the tables, writes key/iv/data into memory and reads results back.
;; Compiled to engine/src/crypto/generated/aes-ige-wasm.ts by engine/scripts/wasm-codegen.ts.
;;
;; Words are little-endian: byte r of a column is bits 8r+7..8r, so i32.load reads a column as is.
;; The tables are aes-block.ts's big-endian ones byte-swapped. For state word s, byte r is looked up
;; in a 1 KiB table at (s >> (8r − 2)) & 0x3fc; the table base is the load's offset immediate.
;;
;; NB: the layout below is mirrored by the exported globals; wasm-aes.ts reads them, never numbers.
;;   0x0000 TE0 TE1 TE2 TE3   encryption tables, 1 KiB each
;;   0x1000 TD0 TD1 TD2 TD3   decryption tables
;;   0x2000 SBOX (256 bytes)  0x2100 INV_SBOX (256 bytes)
;;   0x2200 key (≤ 32 bytes)  0x2220 iv (32 bytes: y_0 ‖ x_0)
;;   0x2300 encryption round keys (≤ 240 bytes)  0x2400 decryption round keys (≤ 240 bytes)
;;   0x3fe0 y_0 ‖ x_0 for the CBC XOR passes (the 32 bytes right before the data)
;;   0x4000 data: grows with the message (the host grows memory)
(module
  (memory (export "memory") 1)
  (global (export "TABLES") i32 (i32.const 0x0000))
  (global (export "KEY") i32 (i32.const 0x2200))
  (global (export "IV") i32 (i32.const 0x2220))
  (global (export "DATA") i32 (i32.const 0x4000))

  ;; SubWord on a little-endian word.
  (func $subWord (param $t i32) (result i32)
    (i32.or
      (i32.or
        (i32.load8_u offset=0x2000 (i32.and (local.get $t) (i32.const 255)))
        (i32.shl (i32.load8_u offset=0x2000 (i32.and (i32.shr_u (local.get $t) (i32.const 8)) (i32.const 255))) (i32.const 8)))
      (i32.or
        (i32.shl (i32.load8_u offset=0x2000 (i32.and (i32.shr_u (local.get $t) (i32.const 16)) (i32.const 255))) (i32.const 16))
        (i32.shl (i32.load8_u offset=0x2000 (i32.shr_u (local.get $t) (i32.const 24))) (i32.const 24)))))

  ;; FIPS-197 key expansion of the nk-word key at 0x2200 into 0x2300; returns the round count.
  (func $expandEncrypt (export "expandEncrypt") (param $nk i32) (result i32)
    (local $i i32) (local $total i32) (local $t i32) (local $rc i32) (local $m i32)
    (local.set $total (i32.shl (i32.add (local.get $nk) (i32.const 7)) (i32.const 2)))
    (loop $copy
      (i32.store offset=0x2300 (i32.shl (local.get $i) (i32.const 2))
        (i32.load offset=0x2200 (i32.shl (local.get $i) (i32.const 2))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $copy (i32.lt_u (local.get $i) (local.get $nk))))
    (local.set $rc (i32.const 1))
    (loop $next
      (local.set $t (i32.load offset=0x2300 (i32.shl (i32.sub (local.get $i) (i32.const 1)) (i32.const 2))))
      ;; $m = i mod nk, kept as a counter (i32.rem_u per word was a tenth of a 1 KiB decryption)
      (if (i32.eq (local.get $m) (local.get $nk)) (then (local.set $m (i32.const 0))))
      (if (i32.eqz (local.get $m))
        (then
          ;; RotWord moves byte 1 to byte 0: a right rotation of the little-endian word.
          (local.set $t (i32.xor (call $subWord (i32.rotr (local.get $t) (i32.const 8))) (local.get $rc)))
          (local.set $rc (i32.shl (local.get $rc) (i32.const 1)))
          (if (i32.and (local.get $rc) (i32.const 0x100))
            (then (local.set $rc (i32.xor (local.get $rc) (i32.const 0x11b))))))
        (else
          (if (i32.and (i32.gt_u (local.get $nk) (i32.const 6)) (i32.eq (local.get $m) (i32.const 4)))
            (then (local.set $t (call $subWord (local.get $t)))))))
      (i32.store offset=0x2300 (i32.shl (local.get $i) (i32.const 2))
        (i32.xor (i32.load offset=0x2300 (i32.shl (i32.sub (local.get $i) (local.get $nk)) (i32.const 2))) (local.get $t)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (local.set $m (i32.add (local.get $m) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $i) (local.get $total))))
    (i32.add (local.get $nk) (i32.const 6)))

  ;; Key schedule of the equivalent inverse cipher at 0x2400: round keys reversed, InvMixColumns on
  ;; all but the first and last (InvMixColumns(w) = ⊕ TDr[S[byte r of w]]). Returns the round count.
  (func (export "expandDecrypt") (param $nk i32) (result i32)
    (local $rounds i32) (local $i i32) (local $last i32) (local $w i32) (local $src i32)
    (local.set $rounds (call $expandEncrypt (local.get $nk)))
    (local.set $last (i32.shl (local.get $rounds) (i32.const 2)))
    (loop $words
      ;; word i = 4r + c comes from encryption word 4(rounds − r) + c
      (local.set $src (i32.add
        (i32.sub (local.get $last) (i32.and (local.get $i) (i32.const -4)))
        (i32.and (local.get $i) (i32.const 3))))
      (local.set $w (i32.load offset=0x2300 (i32.shl (local.get $src) (i32.const 2))))
      (if (i32.and (i32.ge_u (local.get $i) (i32.const 4)) (i32.lt_u (local.get $i) (local.get $last)))
        (then
          (local.set $w
            (i32.xor
              (i32.xor
                (i32.load offset=0x1000 (i32.shl (i32.load8_u offset=0x2000 (i32.and (local.get $w) (i32.const 255))) (i32.const 2)))
                (i32.load offset=0x1400 (i32.shl (i32.load8_u offset=0x2000 (i32.and (i32.shr_u (local.get $w) (i32.const 8)) (i32.const 255))) (i32.const 2))))
              (i32.xor
                (i32.load offset=0x1800 (i32.shl (i32.load8_u offset=0x2000 (i32.and (i32.shr_u (local.get $w) (i32.const 16)) (i32.const 255))) (i32.const 2)))
                (i32.load offset=0x1c00 (i32.shl (i32.load8_u offset=0x2000 (i32.shr_u (local.get $w) (i32.const 24))) (i32.const 2))))))))
      (i32.store offset=0x2400 (i32.shl (local.get $i) (i32.const 2)) (local.get $w))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $words (i32.lt_u (local.get $i) (i32.add (local.get $last) (i32.const 4)))))
    (local.get $rounds))

  ;; IGE decryption in place of n bytes at ptr (n a multiple of 16), iv at 0x2220, round keys at 0x2400.
  ;;   x_i = D(y_i ⊕ x_(i−1)) ⊕ y_(i−1)
  (func (export "igeDecrypt") (param $ptr i32) (param $n i32) (param $rounds i32)
    (local $end i32) (local $k i32) (local $kEnd i32)
    (local $y0 i32) (local $y1 i32) (local $y2 i32) (local $y3 i32)
    (local $x0 i32) (local $x1 i32) (local $x2 i32) (local $x3 i32)
    (local $c0 i32) (local $c1 i32) (local $c2 i32) (local $c3 i32)
    (local $s0 i32) (local $s1 i32) (local $s2 i32) (local $s3 i32)
    (local $t0 i32) (local $t1 i32) (local $t2 i32) (local $t3 i32)
    (local.set $y0 (i32.load offset=0x2220 (i32.const 0)))
    (local.set $y1 (i32.load offset=0x2224 (i32.const 0)))
    (local.set $y2 (i32.load offset=0x2228 (i32.const 0)))
    (local.set $y3 (i32.load offset=0x222c (i32.const 0)))
    (local.set $x0 (i32.load offset=0x2230 (i32.const 0)))
    (local.set $x1 (i32.load offset=0x2234 (i32.const 0)))
    (local.set $x2 (i32.load offset=0x2238 (i32.const 0)))
    (local.set $x3 (i32.load offset=0x223c (i32.const 0)))
    (local.set $end (i32.add (local.get $ptr) (local.get $n)))
    ;; last round key at 0x2400 + 16·rounds
    (local.set $kEnd (i32.add (i32.const 0x2400) (i32.shl (local.get $rounds) (i32.const 4))))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
        (local.set $c0 (i32.load offset=0 (local.get $ptr)))
        (local.set $c1 (i32.load offset=4 (local.get $ptr)))
        (local.set $c2 (i32.load offset=8 (local.get $ptr)))
        (local.set $c3 (i32.load offset=12 (local.get $ptr)))
        (local.set $s0 (i32.xor (i32.xor (local.get $c0) (local.get $x0)) (i32.load offset=0x2400 (i32.const 0))))
        (local.set $s1 (i32.xor (i32.xor (local.get $c1) (local.get $x1)) (i32.load offset=0x2404 (i32.const 0))))
        (local.set $s2 (i32.xor (i32.xor (local.get $c2) (local.get $x2)) (i32.load offset=0x2408 (i32.const 0))))
        (local.set $s3 (i32.xor (i32.xor (local.get $c3) (local.get $x3)) (i32.load offset=0x240c (i32.const 0))))
        (local.set $k (i32.const 0x2410))
        (loop $rounds
          ;; t_c = TD0[s_c byte 0] ⊕ TD1[s_(c−1) byte 1] ⊕ TD2[s_(c−2) byte 2] ⊕ TD3[s_(c−3) byte 3] ⊕ k_c
          (local.set $t0 (i32.xor (i32.xor
            (i32.xor
              (i32.load offset=0x1000 (i32.and (i32.shl (local.get $s0) (i32.const 2)) (i32.const 0x3fc)))
              (i32.load offset=0x1400 (i32.and (i32.shr_u (local.get $s3) (i32.const 6)) (i32.const 0x3fc))))
            (i32.xor
              (i32.load offset=0x1800 (i32.and (i32.shr_u (local.get $s2) (i32.const 14)) (i32.const 0x3fc)))
              (i32.load offset=0x1c00 (i32.and (i32.shr_u (local.get $s1) (i32.const 22)) (i32.const 0x3fc)))))
            (i32.load offset=0 (local.get $k))))
          (local.set $t1 (i32.xor (i32.xor
            (i32.xor
              (i32.load offset=0x1000 (i32.and (i32.shl (local.get $s1) (i32.const 2)) (i32.const 0x3fc)))
              (i32.load offset=0x1400 (i32.and (i32.shr_u (local.get $s0) (i32.const 6)) (i32.const 0x3fc))))
            (i32.xor
              (i32.load offset=0x1800 (i32.and (i32.shr_u (local.get $s3) (i32.const 14)) (i32.const 0x3fc)))
              (i32.load offset=0x1c00 (i32.and (i32.shr_u (local.get $s2) (i32.const 22)) (i32.const 0x3fc)))))
            (i32.load offset=4 (local.get $k))))
          (local.set $t2 (i32.xor (i32.xor
            (i32.xor
              (i32.load offset=0x1000 (i32.and (i32.shl (local.get $s2) (i32.const 2)) (i32.const 0x3fc)))
              (i32.load offset=0x1400 (i32.and (i32.shr_u (local.get $s1) (i32.const 6)) (i32.const 0x3fc))))
            (i32.xor
              (i32.load offset=0x1800 (i32.and (i32.shr_u (local.get $s0) (i32.const 14)) (i32.const 0x3fc)))
              (i32.load offset=0x1c00 (i32.and (i32.shr_u (local.get $s3) (i32.const 22)) (i32.const 0x3fc)))))
            (i32.load offset=8 (local.get $k))))
          (local.set $t3 (i32.xor (i32.xor
            (i32.xor
              (i32.load offset=0x1000 (i32.and (i32.shl (local.get $s3) (i32.const 2)) (i32.const 0x3fc)))
              (i32.load offset=0x1400 (i32.and (i32.shr_u (local.get $s2) (i32.const 6)) (i32.const 0x3fc))))
            (i32.xor
              (i32.load offset=0x1800 (i32.and (i32.shr_u (local.get $s1) (i32.const 14)) (i32.const 0x3fc)))
              (i32.load offset=0x1c00 (i32.and (i32.shr_u (local.get $s0) (i32.const 22)) (i32.const 0x3fc)))))
            (i32.load offset=12 (local.get $k))))
          (local.set $s0 (local.get $t0))
          (local.set $s1 (local.get $t1))
          (local.set $s2 (local.get $t2))
          (local.set $s3 (local.get $t3))
          (local.set $k (i32.add (local.get $k) (i32.const 16)))
          (br_if $rounds (i32.lt_u (local.get $k) (local.get $kEnd))))
        ;; last round: InvSubBytes ∘ InvShiftRows, then the last round key and the IGE XOR with y_(i−1)
        (local.set $t0 (i32.or (i32.or
          (i32.load8_u offset=0x2100 (i32.and (local.get $s0) (i32.const 255)))
          (i32.shl (i32.load8_u offset=0x2100 (i32.and (i32.shr_u (local.get $s3) (i32.const 8)) (i32.const 255))) (i32.const 8)))
          (i32.or
          (i32.shl (i32.load8_u offset=0x2100 (i32.and (i32.shr_u (local.get $s2) (i32.const 16)) (i32.const 255))) (i32.const 16))
          (i32.shl (i32.load8_u offset=0x2100 (i32.shr_u (local.get $s1) (i32.const 24))) (i32.const 24)))))
        (local.set $t1 (i32.or (i32.or
          (i32.load8_u offset=0x2100 (i32.and (local.get $s1) (i32.const 255)))
          (i32.shl (i32.load8_u offset=0x2100 (i32.and (i32.shr_u (local.get $s0) (i32.const 8)) (i32.const 255))) (i32.const 8)))
          (i32.or
          (i32.shl (i32.load8_u offset=0x2100 (i32.and (i32.shr_u (local.get $s3) (i32.const 16)) (i32.const 255))) (i32.const 16))
          (i32.shl (i32.load8_u offset=0x2100 (i32.shr_u (local.get $s2) (i32.const 24))) (i32.const 24)))))
        (local.set $t2 (i32.or (i32.or
          (i32.load8_u offset=0x2100 (i32.and (local.get $s2) (i32.const 255)))
          (i32.shl (i32.load8_u offset=0x2100 (i32.and (i32.shr_u (local.get $s1) (i32.const 8)) (i32.const 255))) (i32.const 8)))
          (i32.or
          (i32.shl (i32.load8_u offset=0x2100 (i32.and (i32.shr_u (local.get $s0) (i32.const 16)) (i32.const 255))) (i32.const 16))
          (i32.shl (i32.load8_u offset=0x2100 (i32.shr_u (local.get $s3) (i32.const 24))) (i32.const 24)))))
        (local.set $t3 (i32.or (i32.or
          (i32.load8_u offset=0x2100 (i32.and (local.get $s3) (i32.const 255)))
          (i32.shl (i32.load8_u offset=0x2100 (i32.and (i32.shr_u (local.get $s2) (i32.const 8)) (i32.const 255))) (i32.const 8)))
          (i32.or
          (i32.shl (i32.load8_u offset=0x2100 (i32.and (i32.shr_u (local.get $s1) (i32.const 16)) (i32.const 255))) (i32.const 16))
          (i32.shl (i32.load8_u offset=0x2100 (i32.shr_u (local.get $s0) (i32.const 24))) (i32.const 24)))))
        (local.set $x0 (i32.xor (i32.xor (local.get $t0) (i32.load offset=0 (local.get $kEnd))) (local.get $y0)))
        (local.set $x1 (i32.xor (i32.xor (local.get $t1) (i32.load offset=4 (local.get $kEnd))) (local.get $y1)))
        (local.set $x2 (i32.xor (i32.xor (local.get $t2) (i32.load offset=8 (local.get $kEnd))) (local.get $y2)))
        (local.set $x3 (i32.xor (i32.xor (local.get $t3) (i32.load offset=12 (local.get $kEnd))) (local.get $y3)))
        (i32.store offset=0 (local.get $ptr) (local.get $x0))
        (i32.store offset=4 (local.get $ptr) (local.get $x1))
        (i32.store offset=8 (local.get $ptr) (local.get $x2))
        (i32.store offset=12 (local.get $ptr) (local.get $x3))
        (local.set $y0 (local.get $c0))
        (local.set $y1 (local.get $c1))
        (local.set $y2 (local.get $c2))
        (local.set $y3 (local.get $c3))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 16)))
        (br $blocks))))

  ;; IGE encryption in place of n bytes at ptr (n a multiple of 16), iv at 0x2220, round keys at 0x2300.
  ;;   y_i = E(x_i ⊕ y_(i−1)) ⊕ x_(i−1)
  (func (export "igeEncrypt") (param $ptr i32) (param $n i32) (param $rounds i32)
    (local $end i32) (local $k i32) (local $kEnd i32)
    (local $y0 i32) (local $y1 i32) (local $y2 i32) (local $y3 i32)
    (local $x0 i32) (local $x1 i32) (local $x2 i32) (local $x3 i32)
    (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32)
    (local $s0 i32) (local $s1 i32) (local $s2 i32) (local $s3 i32)
    (local $t0 i32) (local $t1 i32) (local $t2 i32) (local $t3 i32)
    (local.set $y0 (i32.load offset=0x2220 (i32.const 0)))
    (local.set $y1 (i32.load offset=0x2224 (i32.const 0)))
    (local.set $y2 (i32.load offset=0x2228 (i32.const 0)))
    (local.set $y3 (i32.load offset=0x222c (i32.const 0)))
    (local.set $x0 (i32.load offset=0x2230 (i32.const 0)))
    (local.set $x1 (i32.load offset=0x2234 (i32.const 0)))
    (local.set $x2 (i32.load offset=0x2238 (i32.const 0)))
    (local.set $x3 (i32.load offset=0x223c (i32.const 0)))
    (local.set $end (i32.add (local.get $ptr) (local.get $n)))
    (local.set $kEnd (i32.add (i32.const 0x2300) (i32.shl (local.get $rounds) (i32.const 4))))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
        (local.set $p0 (i32.load offset=0 (local.get $ptr)))
        (local.set $p1 (i32.load offset=4 (local.get $ptr)))
        (local.set $p2 (i32.load offset=8 (local.get $ptr)))
        (local.set $p3 (i32.load offset=12 (local.get $ptr)))
        (local.set $s0 (i32.xor (i32.xor (local.get $p0) (local.get $y0)) (i32.load offset=0x2300 (i32.const 0))))
        (local.set $s1 (i32.xor (i32.xor (local.get $p1) (local.get $y1)) (i32.load offset=0x2304 (i32.const 0))))
        (local.set $s2 (i32.xor (i32.xor (local.get $p2) (local.get $y2)) (i32.load offset=0x2308 (i32.const 0))))
        (local.set $s3 (i32.xor (i32.xor (local.get $p3) (local.get $y3)) (i32.load offset=0x230c (i32.const 0))))
        (local.set $k (i32.const 0x2310))
        (loop $rounds
          ;; t_c = TE0[s_c byte 0] ⊕ TE1[s_(c+1) byte 1] ⊕ TE2[s_(c+2) byte 2] ⊕ TE3[s_(c+3) byte 3] ⊕ k_c
          (local.set $t0 (i32.xor (i32.xor
            (i32.xor
              (i32.load offset=0x0000 (i32.and (i32.shl (local.get $s0) (i32.const 2)) (i32.const 0x3fc)))
              (i32.load offset=0x0400 (i32.and (i32.shr_u (local.get $s1) (i32.const 6)) (i32.const 0x3fc))))
            (i32.xor
              (i32.load offset=0x0800 (i32.and (i32.shr_u (local.get $s2) (i32.const 14)) (i32.const 0x3fc)))
              (i32.load offset=0x0c00 (i32.and (i32.shr_u (local.get $s3) (i32.const 22)) (i32.const 0x3fc)))))
            (i32.load offset=0 (local.get $k))))
          (local.set $t1 (i32.xor (i32.xor
            (i32.xor
              (i32.load offset=0x0000 (i32.and (i32.shl (local.get $s1) (i32.const 2)) (i32.const 0x3fc)))
              (i32.load offset=0x0400 (i32.and (i32.shr_u (local.get $s2) (i32.const 6)) (i32.const 0x3fc))))
            (i32.xor
              (i32.load offset=0x0800 (i32.and (i32.shr_u (local.get $s3) (i32.const 14)) (i32.const 0x3fc)))
              (i32.load offset=0x0c00 (i32.and (i32.shr_u (local.get $s0) (i32.const 22)) (i32.const 0x3fc)))))
            (i32.load offset=4 (local.get $k))))
          (local.set $t2 (i32.xor (i32.xor
            (i32.xor
              (i32.load offset=0x0000 (i32.and (i32.shl (local.get $s2) (i32.const 2)) (i32.const 0x3fc)))
              (i32.load offset=0x0400 (i32.and (i32.shr_u (local.get $s3) (i32.const 6)) (i32.const 0x3fc))))
            (i32.xor
              (i32.load offset=0x0800 (i32.and (i32.shr_u (local.get $s0) (i32.const 14)) (i32.const 0x3fc)))
              (i32.load offset=0x0c00 (i32.and (i32.shr_u (local.get $s1) (i32.const 22)) (i32.const 0x3fc)))))
            (i32.load offset=8 (local.get $k))))
          (local.set $t3 (i32.xor (i32.xor
            (i32.xor
              (i32.load offset=0x0000 (i32.and (i32.shl (local.get $s3) (i32.const 2)) (i32.const 0x3fc)))
              (i32.load offset=0x0400 (i32.and (i32.shr_u (local.get $s0) (i32.const 6)) (i32.const 0x3fc))))
            (i32.xor
              (i32.load offset=0x0800 (i32.and (i32.shr_u (local.get $s1) (i32.const 14)) (i32.const 0x3fc)))
              (i32.load offset=0x0c00 (i32.and (i32.shr_u (local.get $s2) (i32.const 22)) (i32.const 0x3fc)))))
            (i32.load offset=12 (local.get $k))))
          (local.set $s0 (local.get $t0))
          (local.set $s1 (local.get $t1))
          (local.set $s2 (local.get $t2))
          (local.set $s3 (local.get $t3))
          (local.set $k (i32.add (local.get $k) (i32.const 16)))
          (br_if $rounds (i32.lt_u (local.get $k) (local.get $kEnd))))
        ;; last round: SubBytes ∘ ShiftRows, then the last round key and the IGE XOR with x_(i−1)
        (local.set $t0 (i32.or (i32.or
          (i32.load8_u offset=0x2000 (i32.and (local.get $s0) (i32.const 255)))
          (i32.shl (i32.load8_u offset=0x2000 (i32.and (i32.shr_u (local.get $s1) (i32.const 8)) (i32.const 255))) (i32.const 8)))
          (i32.or
          (i32.shl (i32.load8_u offset=0x2000 (i32.and (i32.shr_u (local.get $s2) (i32.const 16)) (i32.const 255))) (i32.const 16))
          (i32.shl (i32.load8_u offset=0x2000 (i32.shr_u (local.get $s3) (i32.const 24))) (i32.const 24)))))
        (local.set $t1 (i32.or (i32.or
          (i32.load8_u offset=0x2000 (i32.and (local.get $s1) (i32.const 255)))
          (i32.shl (i32.load8_u offset=0x2000 (i32.and (i32.shr_u (local.get $s2) (i32.const 8)) (i32.const 255))) (i32.const 8)))
          (i32.or
          (i32.shl (i32.load8_u offset=0x2000 (i32.and (i32.shr_u (local.get $s3) (i32.const 16)) (i32.const 255))) (i32.const 16))
          (i32.shl (i32.load8_u offset=0x2000 (i32.shr_u (local.get $s0) (i32.const 24))) (i32.const 24)))))
        (local.set $t2 (i32.or (i32.or
          (i32.load8_u offset=0x2000 (i32.and (local.get $s2) (i32.const 255)))
          (i32.shl (i32.load8_u offset=0x2000 (i32.and (i32.shr_u (local.get $s3) (i32.const 8)) (i32.const 255))) (i32.const 8)))
          (i32.or
          (i32.shl (i32.load8_u offset=0x2000 (i32.and (i32.shr_u (local.get $s0) (i32.const 16)) (i32.const 255))) (i32.const 16))
          (i32.shl (i32.load8_u offset=0x2000 (i32.shr_u (local.get $s1) (i32.const 24))) (i32.const 24)))))
        (local.set $t3 (i32.or (i32.or
          (i32.load8_u offset=0x2000 (i32.and (local.get $s3) (i32.const 255)))
          (i32.shl (i32.load8_u offset=0x2000 (i32.and (i32.shr_u (local.get $s0) (i32.const 8)) (i32.const 255))) (i32.const 8)))
          (i32.or
          (i32.shl (i32.load8_u offset=0x2000 (i32.and (i32.shr_u (local.get $s1) (i32.const 16)) (i32.const 255))) (i32.const 16))
          (i32.shl (i32.load8_u offset=0x2000 (i32.shr_u (local.get $s2) (i32.const 24))) (i32.const 24)))))
        (local.set $y0 (i32.xor (i32.xor (local.get $t0) (i32.load offset=0 (local.get $kEnd))) (local.get $x0)))
        (local.set $y1 (i32.xor (i32.xor (local.get $t1) (i32.load offset=4 (local.get $kEnd))) (local.get $x1)))
        (local.set $y2 (i32.xor (i32.xor (local.get $t2) (i32.load offset=8 (local.get $kEnd))) (local.get $x2)))
        (local.set $y3 (i32.xor (i32.xor (local.get $t3) (i32.load offset=12 (local.get $kEnd))) (local.get $x3)))
        (i32.store offset=0 (local.get $ptr) (local.get $y0))
        (i32.store offset=4 (local.get $ptr) (local.get $y1))
        (i32.store offset=8 (local.get $ptr) (local.get $y2))
        (i32.store offset=12 (local.get $ptr) (local.get $y3))
        (local.set $x0 (local.get $p0))
        (local.set $x1 (local.get $p1))
        (local.set $x2 (local.get $p2))
        (local.set $x3 (local.get $p3))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 16)))
        (br $blocks))))

  ;; dst_i = src_i ⊕ src_(i−32 bytes) over n bytes (n a multiple of 16). With y_0 ‖ x_0 in the 32
  ;; bytes before src, this is the CBC input of aes-ige.ts's identity: p_1 = x_1 ⊕ y_0 (the CBC IV
  ;; folded in), p_i = x_i ⊕ x_(i−2).
  (func (export "xorBack32") (param $src i32) (param $dst i32) (param $n i32)
    (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (v128.store (i32.add (local.get $dst) (local.get $i))
          (v128.xor
            (v128.load (i32.add (local.get $src) (local.get $i)))
            (v128.load (i32.sub (i32.add (local.get $src) (local.get $i)) (i32.const 32)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $next))))

  ;; dst_i ⊕= src_(i−16 bytes) over n bytes: y_i = c_i ⊕ x_(i−1), with x_0 in the 16 bytes before src.
  (func (export "xorBack16") (param $src i32) (param $dst i32) (param $n i32)
    (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (v128.store (i32.add (local.get $dst) (local.get $i))
          (v128.xor
            (v128.load (i32.add (local.get $dst) (local.get $i)))
            (v128.load (i32.sub (i32.add (local.get $src) (local.get $i)) (i32.const 16)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $next)))))
