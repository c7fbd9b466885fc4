#!/bin/sh
# make bench-tracking: the tracker over a varied simulated set, scored against ground truth.
#   bench/tracking.sh BIN OUTDIR [calibrate]
# Angles 25-65 deg, needle echo from easy (18 dB over tissue) to barely visible (5 dB), plain
# images and full scanner screens with the gain being turned. Prints eval's table and the
# tracker's time per frame (one core).
# With "calibrate": a separate set (other seeds and angles) tracked with --features, and the
# logistic weights of the calibrated confidence fitted on it (track_filter_opts.calib).
set -eu
BIN=$1
OUT=$2
MODE=${3:-bench}
mkdir -p "$OUT"
rm -f "$OUT/all-truth.jsonl" "$OUT/all-track.jsonl" "$OUT/timings.txt" "$OUT/timings640.txt"
offset=0
renumber() {   # shifts "frame":N by $1 so the sequences concatenate
    awk -v off="$1" '{ if (match($0, /"frame":[0-9]+/)) { n = substr($0, RSTART + 8, RLENGTH - 8) + off;
        print substr($0, 1, RSTART - 1) "\"frame\":" n substr($0, RSTART + RLENGTH) } }'
}
if [ "$MODE" = calibrate ]; then
    seed=1000; angles="20 35 50 60"; dbs="16 9 6"; track_opts=--features
else
    seed=10; angles="25 40 55 65"; dbs="18 10 5"; track_opts=
fi
for angle in $angles; do
    for db in $dbs; do
        for screen in plain screen; do
            seed=$((seed + 1))
            if [ "$screen" = screen ]; then opts="--chrome yes --gain-swing 6"; else opts="--chrome no"; fi
            name="$OUT/a${angle}-db${db}-$screen"
            # shellcheck disable=SC2086
            "$BIN" simulate --seed $seed --angle "$angle" --needle-db "$db" $opts \
                --out "$name.y4m" --truth "$name-truth.jsonl" >/dev/null
            # shellcheck disable=SC2086
            "$BIN" track --input "$name.y4m" --config "$name.conf" --output "$name-track.jsonl" \
                --timings "$OUT/timings.txt" $track_opts 2>/dev/null
            if [ "$MODE" = bench ] && [ "$angle.$db.$screen" = 40.10.screen ]; then
                # the speed figure is for a 640x480 ROI: the whole simulated frame, once
                sed 's/^roi = .*/roi = 0,0,640,480/' "$name.conf" > "$OUT/roi640.conf"
                "$BIN" track --input "$name.y4m" --config "$OUT/roi640.conf" \
                    --output "$OUT/roi640-track.jsonl" --timings "$OUT/timings640.txt" 2>/dev/null
            fi
            renumber $offset < "$name-truth.jsonl" >> "$OUT/all-truth.jsonl"
            renumber $offset < "$name-track.jsonl" >> "$OUT/all-track.jsonl"
            offset=$((offset + $(wc -l < "$name-truth.jsonl")))
            rm -f "$name.y4m"
        done
    done
done
if [ "$MODE" = calibrate ]; then
    echo "confidence calibration set: 24 sequences (angles $angles deg x needle $dbs dB x plain/screen+gain), $offset frames"
    "$BIN" eval --truth "$OUT/all-truth.jsonl" --track "$OUT/all-track.jsonl" --mm-per-px 0.15 --fit-confidence
    exit 0
fi
echo "tracking benchmark: 24 sequences (angles $angles deg x needle $dbs dB x plain/screen+gain), $offset frames"
"$BIN" eval --truth "$OUT/all-truth.jsonl" --track "$OUT/all-track.jsonl" --mm-per-px 0.15
percentiles() {   # $1: file of ms per frame, $2: what was timed
    sort -n "$1" | awk -v what="$2" '{ v[NR] = $1 } END {
        p50 = v[int(NR * 0.50) + 1]; p99 = v[int(NR * 0.99) + 1];
        printf "tracker time per frame (%s, one core): p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
               what, p50, p99, v[NR] }'
}
percentiles "$OUT/timings.txt" "ROI 554x430, all sequences"
percentiles "$OUT/timings640.txt" "ROI 640x480, one sequence"

echo "targets: detection >= 98%, tip p50 <= 0.25 mm, p90 <= 1 mm, angle p50 <= 0.5 deg, false + <= 0.5%, <= 1 ms/frame p50"
