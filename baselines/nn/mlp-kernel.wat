;; The typed-array MLP's hot loops in WebAssembly SIMD (v128, f64x2), bit-identical to the
;; JavaScript kernels of `mlp.ts` (`denseLayer`, `adamUpdate`). Assembled by
;; `npm run build:wasm` into `mlp-kernel-wasm.ts`; `test/baselines/mlp-wasm.test.ts` checks that
;; the committed binary is this file assembled.
;;
;; Exactness: every sum runs over its inputs in the same order as in JavaScript, in float64, with
;; a separate multiply and add (no FMA), skipping the same terms (an input that is 0 in both rows
;; of a pair of rows). SIMD lanes hold DIFFERENT outputs (j, j+1), never parts of one sum, so
;; vectorising changes no rounding. float32 values widen exactly (`f64x2.promote_low_f32x4`) and
;; narrow with round-to-nearest-even (`f32x4.demote_f64x2_zero`), which is what `Math.fround` and a
;; Float32Array store do.
;;
;; Speed: Node 20's V8 does not inline WebAssembly calls, so the inner loops call nothing (helpers
;; run once per block of outputs); rows go in pairs so each weight loaded serves two rows.
;;
;; All pointers are byte offsets of float32 arrays in this instance's memory. The memory is shared
;; only so that growing it does not detach the JavaScript views of it (no threads are used).
(module
  (memory (export "memory") 1 4096 shared)

  ;; out = act(x W + b) for `rows` rows: out[r][j] = act(f32(f32(sum_i x[r][i] * W[i][j]) + b[j])),
  ;; act = ReLU when `relu` is 1, else identity (0). x is `rows x nIn`, W is `nIn x nOut` (row-major),
  ;; out is `rows x nOut`. Rows go two at a time (an odd last row is computed twice and stored
  ;; twice, in the same place); outputs eight, then four, two and one at a time.
  (func (export "dense")
    (param $x i32) (param $rows i32) (param $nIn i32) (param $nOut i32)
    (param $w i32) (param $b i32) (param $relu i32) (param $out i32)
    (local $r i32) (local $x0 i32) (local $x1 i32) (local $o0 i32) (local $o1 i32) (local $j i32)
    (local $strideW i32) (local $reluMask v128)
    (local.set $strideW (i32.shl (local.get $nOut) (i32.const 2)))
    ;; All ones for a ReLU layer (a mask, so that the blocks need no branch).
    (local.set $reluMask (i64x2.splat (i64.sub (i64.const 0) (i64.extend_i32_u (local.get $relu)))))
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $x0 (i32.add (local.get $x) (i32.shl (i32.mul (local.get $r) (local.get $nIn)) (i32.const 2))))
        (local.set $o0 (i32.add (local.get $out) (i32.mul (local.get $r) (local.get $strideW))))
        (local.set $x1 (local.get $x0))
        (local.set $o1 (local.get $o0))
        (if (i32.lt_u (i32.add (local.get $r) (i32.const 1)) (local.get $rows))
          (then
            (local.set $x1 (i32.add (local.get $x0) (i32.shl (local.get $nIn) (i32.const 2))))
            (local.set $o1 (i32.add (local.get $o0) (local.get $strideW)))))
        (local.set $j (i32.const 0))
        (block $done8
          (loop $loop8
            (br_if $done8 (i32.gt_u (i32.add (local.get $j) (i32.const 8)) (local.get $nOut)))
            (call $block8 (local.get $x0) (local.get $x1) (local.get $nIn)
              (i32.add (local.get $w) (i32.shl (local.get $j) (i32.const 2))) (local.get $strideW)
              (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))) (local.get $reluMask)
              (i32.add (local.get $o0) (i32.shl (local.get $j) (i32.const 2)))
              (i32.add (local.get $o1) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $loop8)))
        (if (i32.le_u (i32.add (local.get $j) (i32.const 4)) (local.get $nOut))
          (then
            (call $block4 (local.get $x0) (local.get $x1) (local.get $nIn)
              (i32.add (local.get $w) (i32.shl (local.get $j) (i32.const 2))) (local.get $strideW)
              (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))) (local.get $reluMask)
              (i32.add (local.get $o0) (i32.shl (local.get $j) (i32.const 2)))
              (i32.add (local.get $o1) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))))
        (if (i32.le_u (i32.add (local.get $j) (i32.const 2)) (local.get $nOut))
          (then
            (call $block2 (local.get $x0) (local.get $x1) (local.get $nIn)
              (i32.add (local.get $w) (i32.shl (local.get $j) (i32.const 2))) (local.get $strideW)
              (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))) (local.get $reluMask)
              (i32.add (local.get $o0) (i32.shl (local.get $j) (i32.const 2)))
              (i32.add (local.get $o1) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))))
        (block $done1
          (loop $loop1
            (br_if $done1 (i32.ge_u (local.get $j) (local.get $nOut)))
            (call $block1 (local.get $x0) (local.get $x1) (local.get $nIn)
              (i32.add (local.get $w) (i32.shl (local.get $j) (i32.const 2))) (local.get $strideW)
              (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))) (local.get $reluMask)
              (i32.add (local.get $o0) (i32.shl (local.get $j) (i32.const 2)))
              (i32.add (local.get $o1) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $loop1)))
        (local.set $r (i32.add (local.get $r) (i32.const 2)))
        (br $rowLoop))))

  ;; Stores four finished outputs at `o`: act(Math.fround(sum) + bias) as float32, from the sums
  ;; of outputs 0-1 (`lo`) and 2-3 (`hi`) and the biases at `b`. ReLU where `relu` is all ones:
  ;; `v < 0 ? 0 : v` (clears the lanes below zero; -0 and NaN are kept, as in JavaScript).
  (func $finish4 (param $o i32) (param $lo v128) (param $hi v128) (param $b i32) (param $relu v128)
    (local $bias v128)
    (local.set $bias (v128.load (local.get $b)))
    (local.set $lo (f64x2.add
      (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $lo)))
      (f64x2.promote_low_f32x4 (local.get $bias))))
    (local.set $hi (f64x2.add
      (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $hi)))
      (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $bias) (local.get $bias)))))
    (local.set $lo (v128.andnot (local.get $lo) (v128.and (f64x2.lt (local.get $lo) (v128.const f64x2 0 0)) (local.get $relu))))
    (local.set $hi (v128.andnot (local.get $hi) (v128.and (f64x2.lt (local.get $hi) (v128.const f64x2 0 0)) (local.get $relu))))
    (v128.store (local.get $o)
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
        (f32x4.demote_f64x2_zero (local.get $lo))
        (f32x4.demote_f64x2_zero (local.get $hi)))))

  ;; Two finished outputs, as $finish4 computes them, in float32 lanes 0-1: from the sums in
  ;; `sum` and the float32 biases in lanes 0-1 of `bias`.
  (func $finish2 (param $sum v128) (param $bias v128) (param $relu v128) (result v128)
    (local.set $sum (f64x2.add
      (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $sum)))
      (f64x2.promote_low_f32x4 (local.get $bias))))
    (f32x4.demote_f64x2_zero
      (v128.andnot (local.get $sum) (v128.and (f64x2.lt (local.get $sum) (v128.const f64x2 0 0)) (local.get $relu)))))

  ;; Outputs j..j+7 of two rows. `w` points at W[0][j], `strideW` is a row of W in bytes, `b` at
  ;; b[j], `o0`/`o1` at the rows' out[j].
  (func $block8
    (param $x0 i32) (param $x1 i32) (param $nIn i32) (param $w i32) (param $strideW i32)
    (param $b i32) (param $relu v128) (param $o0 i32) (param $o1 i32)
    (local $end i32) (local $xu f32) (local $xv f32) (local $u v128) (local $v v128) (local $wa v128) (local $wb v128) (local $t v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local.set $end (i32.add (local.get $x0) (i32.shl (local.get $nIn) (i32.const 2))))
    (block $done
      (loop $inputs
        (br_if $done (i32.ge_u (local.get $x0) (local.get $end)))
        (local.set $xu (f32.load (local.get $x0)))
        (local.set $xv (f32.load (local.get $x1)))
        ;; Both inputs 0 (ReLUs off, untargeted outputs): nothing to add, as in the JS kernel.
        (if (i32.or (f32.ne (local.get $xu) (f32.const 0)) (f32.ne (local.get $xv) (f32.const 0)))
          (then
            (local.set $u (f64x2.splat (f64.promote_f32 (local.get $xu))))
            (local.set $v (f64x2.splat (f64.promote_f32 (local.get $xv))))
            (local.set $wa (v128.load (local.get $w)))
            (local.set $wb (v128.load offset=16 (local.get $w)))
            (local.set $t (f64x2.promote_low_f32x4 (local.get $wa)))
            (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $u) (local.get $t))))
            (local.set $c0 (f64x2.add (local.get $c0) (f64x2.mul (local.get $v) (local.get $t))))
            (local.set $t (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $wa) (local.get $wa))))
            (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $u) (local.get $t))))
            (local.set $c1 (f64x2.add (local.get $c1) (f64x2.mul (local.get $v) (local.get $t))))
            (local.set $t (f64x2.promote_low_f32x4 (local.get $wb)))
            (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $u) (local.get $t))))
            (local.set $c2 (f64x2.add (local.get $c2) (f64x2.mul (local.get $v) (local.get $t))))
            (local.set $t (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $wb) (local.get $wb))))
            (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $u) (local.get $t))))
            (local.set $c3 (f64x2.add (local.get $c3) (f64x2.mul (local.get $v) (local.get $t))))))
        (local.set $x0 (i32.add (local.get $x0) (i32.const 4)))
        (local.set $x1 (i32.add (local.get $x1) (i32.const 4)))
        (local.set $w (i32.add (local.get $w) (local.get $strideW)))
        (br $inputs)))
    ;; Row 1 first: when it is row 0 again (odd last row), both stores write the same values.
    (call $finish4 (local.get $o1) (local.get $c0) (local.get $c1) (local.get $b) (local.get $relu))
    (call $finish4 (i32.add (local.get $o1) (i32.const 16)) (local.get $c2) (local.get $c3) (i32.add (local.get $b) (i32.const 16)) (local.get $relu))
    (call $finish4 (local.get $o0) (local.get $a0) (local.get $a1) (local.get $b) (local.get $relu))
    (call $finish4 (i32.add (local.get $o0) (i32.const 16)) (local.get $a2) (local.get $a3) (i32.add (local.get $b) (i32.const 16)) (local.get $relu)))

  ;; Outputs j..j+3 of two rows (as $block8, half as wide).
  (func $block4
    (param $x0 i32) (param $x1 i32) (param $nIn i32) (param $w i32) (param $strideW i32)
    (param $b i32) (param $relu v128) (param $o0 i32) (param $o1 i32)
    (local $end i32) (local $xu f32) (local $xv f32) (local $u v128) (local $v v128) (local $wa v128) (local $t v128)
    (local $a0 v128) (local $a1 v128) (local $c0 v128) (local $c1 v128)
    (local.set $end (i32.add (local.get $x0) (i32.shl (local.get $nIn) (i32.const 2))))
    (block $done
      (loop $inputs
        (br_if $done (i32.ge_u (local.get $x0) (local.get $end)))
        (local.set $xu (f32.load (local.get $x0)))
        (local.set $xv (f32.load (local.get $x1)))
        ;; Both inputs 0 (ReLUs off, untargeted outputs): nothing to add, as in the JS kernel.
        (if (i32.or (f32.ne (local.get $xu) (f32.const 0)) (f32.ne (local.get $xv) (f32.const 0)))
          (then
            (local.set $u (f64x2.splat (f64.promote_f32 (local.get $xu))))
            (local.set $v (f64x2.splat (f64.promote_f32 (local.get $xv))))
            (local.set $wa (v128.load (local.get $w)))
            (local.set $t (f64x2.promote_low_f32x4 (local.get $wa)))
            (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $u) (local.get $t))))
            (local.set $c0 (f64x2.add (local.get $c0) (f64x2.mul (local.get $v) (local.get $t))))
            (local.set $t (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $wa) (local.get $wa))))
            (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $u) (local.get $t))))
            (local.set $c1 (f64x2.add (local.get $c1) (f64x2.mul (local.get $v) (local.get $t))))))
        (local.set $x0 (i32.add (local.get $x0) (i32.const 4)))
        (local.set $x1 (i32.add (local.get $x1) (i32.const 4)))
        (local.set $w (i32.add (local.get $w) (local.get $strideW)))
        (br $inputs)))
    (call $finish4 (local.get $o1) (local.get $c0) (local.get $c1) (local.get $b) (local.get $relu))
    (call $finish4 (local.get $o0) (local.get $a0) (local.get $a1) (local.get $b) (local.get $relu)))

  ;; Outputs j, j+1 of two rows (as $block4, half as wide; the last nOut mod 4 outputs).
  (func $block2
    (param $x0 i32) (param $x1 i32) (param $nIn i32) (param $w i32) (param $strideW i32)
    (param $b i32) (param $relu v128) (param $o0 i32) (param $o1 i32)
    (local $end i32) (local $xu f32) (local $xv f32) (local $t v128) (local $a0 v128) (local $c0 v128)
    (local.set $end (i32.add (local.get $x0) (i32.shl (local.get $nIn) (i32.const 2))))
    (block $done
      (loop $inputs
        (br_if $done (i32.ge_u (local.get $x0) (local.get $end)))
        (local.set $xu (f32.load (local.get $x0)))
        (local.set $xv (f32.load (local.get $x1)))
        (if (i32.or (f32.ne (local.get $xu) (f32.const 0)) (f32.ne (local.get $xv) (f32.const 0)))
          (then
            (local.set $t (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $w))))
            (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (f64x2.splat (f64.promote_f32 (local.get $xu))) (local.get $t))))
            (local.set $c0 (f64x2.add (local.get $c0) (f64x2.mul (f64x2.splat (f64.promote_f32 (local.get $xv))) (local.get $t))))))
        (local.set $x0 (i32.add (local.get $x0) (i32.const 4)))
        (local.set $x1 (i32.add (local.get $x1) (i32.const 4)))
        (local.set $w (i32.add (local.get $w) (local.get $strideW)))
        (br $inputs)))
    ;; $finish4 on two outputs (biases j, j+1 in its lanes 0-1), keeping those two.
    (local.set $t (v128.load64_zero (local.get $b)))
    (v128.store64_lane 0 (local.get $o1) (call $finish2 (local.get $c0) (local.get $t) (local.get $relu)))
    (v128.store64_lane 0 (local.get $o0) (call $finish2 (local.get $a0) (local.get $t) (local.get $relu))))

  ;; Output j of two rows, one lane per row (the last odd output).
  (func $block1
    (param $x0 i32) (param $x1 i32) (param $nIn i32) (param $w i32) (param $strideW i32)
    (param $b i32) (param $relu v128) (param $o0 i32) (param $o1 i32)
    (local $end i32) (local $xu f32) (local $xv f32) (local $acc v128) (local $t v128)
    (local.set $end (i32.add (local.get $x0) (i32.shl (local.get $nIn) (i32.const 2))))
    (block $done
      (loop $inputs
        (br_if $done (i32.ge_u (local.get $x0) (local.get $end)))
        (local.set $xu (f32.load (local.get $x0)))
        (local.set $xv (f32.load (local.get $x1)))
        ;; Lane 0: x0[i], lane 1: x1[i]; both times W[i][j]. Skips as $block8 does.
        (if (i32.or (f32.ne (local.get $xu) (f32.const 0)) (f32.ne (local.get $xv) (f32.const 0)))
          (then
            (local.set $acc (f64x2.add (local.get $acc) (f64x2.mul
              (f64x2.replace_lane 1 (f64x2.splat (f64.promote_f32 (local.get $xu))) (f64.promote_f32 (local.get $xv)))
              (f64x2.splat (f64.promote_f32 (f32.load (local.get $w)))))))))
        (local.set $x0 (i32.add (local.get $x0) (i32.const 4)))
        (local.set $x1 (i32.add (local.get $x1) (i32.const 4)))
        (local.set $w (i32.add (local.get $w) (local.get $strideW)))
        (br $inputs)))
    ;; Lane 0 is row 0's sum, lane 1 row 1's; both take bias j.
    (local.set $t (call $finish2 (local.get $acc) (v128.load32_splat (local.get $b)) (local.get $relu)))
    (f32.store (local.get $o1) (f32x4.extract_lane 1 (local.get $t)))
    (f32.store (local.get $o0) (f32x4.extract_lane 0 (local.get $t))))

  ;; out = the transpose of the row-major `rows x cols` matrix m (out[c][r] = m[r][c]): plain
  ;; copies, the same bits. Walks m in order; writes jump by a row of out.
  (func (export "transpose") (param $m i32) (param $rows i32) (param $cols i32) (param $out i32)
    (local $end i32) (local $rowEnd i32) (local $o i32) (local $strideOut i32)
    (local.set $strideOut (i32.shl (local.get $rows) (i32.const 2)))
    (local.set $end (i32.add (local.get $m) (i32.shl (i32.mul (local.get $rows) (local.get $cols)) (i32.const 2))))
    (block $done
      (loop $rowLoop
        (br_if $done (i32.ge_u (local.get $m) (local.get $end)))
        (local.set $rowEnd (i32.add (local.get $m) (i32.shl (local.get $cols) (i32.const 2))))
        (local.set $o (local.get $out))
        (block $rowDone
          (loop $colLoop
            (br_if $rowDone (i32.ge_u (local.get $m) (local.get $rowEnd)))
            (f32.store (local.get $o) (f32.load (local.get $m)))
            (local.set $m (i32.add (local.get $m) (i32.const 4)))
            (local.set $o (i32.add (local.get $o) (local.get $strideOut)))
            (br $colLoop)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (br $rowLoop))))

  ;; Adam on the `n` float32 entries of p, with gradients g and moments m, v (all updated in
  ;; place but g), two entries (lanes) at a time: `n` must be even. The same operations in the
  ;; same order as `adamUpdate` in mlp.ts:
  ;; m' = beta1 m + (1 - beta1) g; v' = beta2 v + ((1 - beta2) g) g;
  ;; p' = p - (lr (f32(m') / c1)) / (sqrt(f32(v') / c2) + epsilon).
  (func (export "adam")
    (param $p i32) (param $g i32) (param $m i32) (param $v i32) (param $n i32)
    (param $beta1 f64) (param $beta2 f64) (param $lr f64) (param $c1 f64) (param $c2 f64) (param $eps f64)
    (local $sb1 v128) (local $sb2 v128) (local $sa1 v128) (local $sa2 v128) (local $slr v128)
    (local $sc1 v128) (local $sc2 v128) (local $seps v128) (local $end i32)
    (local $gi v128) (local $mi v128) (local $vi v128)
    (local.set $sb1 (f64x2.splat (local.get $beta1)))
    (local.set $sb2 (f64x2.splat (local.get $beta2)))
    (local.set $sa1 (f64x2.splat (f64.sub (f64.const 1) (local.get $beta1))))
    (local.set $sa2 (f64x2.splat (f64.sub (f64.const 1) (local.get $beta2))))
    (local.set $slr (f64x2.splat (local.get $lr)))
    (local.set $sc1 (f64x2.splat (local.get $c1)))
    (local.set $sc2 (f64x2.splat (local.get $c2)))
    (local.set $seps (f64x2.splat (local.get $eps)))
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $gi (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $g))))
        ;; m' and v', rounded to float32 (as stored, and as the step reads them).
        (local.set $mi (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add
          (f64x2.mul (local.get $sb1) (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $m))))
          (f64x2.mul (local.get $sa1) (local.get $gi))))))
        (local.set $vi (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add
          (f64x2.mul (local.get $sb2) (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $v))))
          (f64x2.mul (f64x2.mul (local.get $sa2) (local.get $gi)) (local.get $gi))))))
        (v128.store64_lane 0 (local.get $m) (f32x4.demote_f64x2_zero (local.get $mi)))
        (v128.store64_lane 0 (local.get $v) (f32x4.demote_f64x2_zero (local.get $vi)))
        (v128.store64_lane 0 (local.get $p) (f32x4.demote_f64x2_zero
          (f64x2.sub (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $p)))
            (f64x2.div
              (f64x2.mul (local.get $slr) (f64x2.div (local.get $mi) (local.get $sc1)))
              (f64x2.add (f64x2.sqrt (f64x2.div (local.get $vi) (local.get $sc2))) (local.get $seps))))))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (local.set $g (i32.add (local.get $g) (i32.const 8)))
        (local.set $m (i32.add (local.get $m) (i32.const 8)))
        (local.set $v (i32.add (local.get $v) (i32.const 8)))
        (br $pairs)))))
