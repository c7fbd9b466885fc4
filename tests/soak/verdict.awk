# The soak's verdict, from its samples (tests/soak/soak.sh writes them; test_soak_verdict feeds
# it made-up ones). Columns: t_s,rss_kb,fds,threads,recording,frames,fps,cycle,heap_kb,started
# (started: the threads the daemon has started so far, its own and its libraries').
#   awk -F, -v warm=S -v rc=N -v status_fail=N -v thread_cost=KB -f verdict.awk samples.csv
# warm: the warm-up's length in s; rc: the daemon's exit status (23: LeakSanitizer's report);
# thread_cost: the kB a started and joined thread leaves resident (soak_thread_cost measures it:
# LeakSanitizer keeps a page per thread ever started; 0 when not measured).
# RSS and the heap are judged on each cycle's floor (its lowest sample: the peaks swing by tens of
# MB with the encoders' bursts): the lowest floor of the last three cycles against the highest
# floor of the warm-up's cycles, not judged with fewer than ten cycles after the warm-up (a
# floor wanders by about +-2.5 MB). RSS is judged net of thread_cost times the threads started,
# and the raw figure is printed beside it. Descriptors and threads: the lowest of the last
# tail_n samples in each recording state against the warm-up's highest in that state.
BEGIN { if (tail_n == "") tail_n = 6; thread_cost += 0 }
NR == 1 { next }
{
  c = $8; started = $10 + 0; net = $2 - started * thread_cost
  if (!(c in floor) || $2 < floor[c]) floor[c] = $2
  if (!(c in nfloor) || net < nfloor[c]) nfloor[c] = net
  if (c > last_c) last_c = c
  if ($9 != "" && (!(c in hfloor) || $9 < hfloor[c])) hfloor[c] = $9
}
$1 < warm { if ($3 > wfd[$5]) wfd[$5] = $3; if ($4 > wthr[$5]) wthr[$5] = $4; first_after = c + 1
            warm_started = started; next }
{ n++; if ($2 > mrss) mrss = $2; last_rss = $2; last_frames = $6; last_fps = $7; last_started = started
  k = cnt[$5]++; fd[$5, k] = $3; thr[$5, k] = $4 }
END {
  bad = 0
  if (n == 0) { print "soak: FAIL: no samples after the warm-up"; bad = 1 }
  # the floors: warm-up cycles (all before the first full cycle after it) and the last three
  wfloor = wnfloor = whfloor = -1e12
  for (c = 0; c < first_after; c++) {
    if ((c in floor) && floor[c] > wfloor) wfloor = floor[c]
    if ((c in nfloor) && nfloor[c] > wnfloor) wnfloor = nfloor[c]
    if ((c in hfloor) && hfloor[c] > whfloor) whfloor = hfloor[c]
  }
  judged = last_c - 1 - first_after + 1   # complete cycles after the warm-up (the last may be cut short)
  lo = nlo = hlo = 1e12
  for (c = last_c - 3; c < last_c; c++) if (c >= first_after) {
    if ((c in floor) && floor[c] < lo) lo = floor[c]
    if ((c in nfloor) && nfloor[c] < nlo) nlo = nfloor[c]
    if ((c in hfloor) && hfloor[c] < hlo) hlo = hfloor[c]
  }
  printf "soak: %d samples after a %d s warm-up (cycles 0-%d); RSS peak after it %d kB, last %d kB\n",
         n, warm, first_after - 1, mrss, last_rss
  printf "soak: threads started after the warm-up: %d (each leaves %.2f kB resident, as measured)\n",
         last_started - warm_started, thread_cost
  if (judged < 10) printf "soak: RSS and heap not judged: %d complete cycles after the warm-up, 10 needed\n", judged
  else {
    printf "soak: RSS floor (lowest of a cycle): warm-up highest %d kB, last three cycles lowest %d kB (%+d kB)\n",
           wfloor, lo, lo - wfloor
    printf "soak: RSS floor net of the threads started: warm-up highest %d kB, last three cycles lowest %d kB (%+d kB)\n",
           wnfloor, nlo, nlo - wnfloor
  }
  if (judged >= 10 && whfloor > 0 && hlo < 1e12)
    printf "soak: heap floor (the allocator\047s count): warm-up highest %d kB, last three cycles lowest %d kB (%+d kB)\n",
           whfloor, hlo, hlo - whfloor
  else if (judged >= 10) { print "soak: FAIL: the status gave no heap_kb"; bad = 1 }
  if (judged >= 10 && nlo > wnfloor + 1024) { print "soak: FAIL: RSS grew more than 1 MB"; bad = 1 }
  if (judged >= 10 && hlo > whfloor + 1024) { print "soak: FAIL: the heap grew more than 1 MB"; bad = 1 }
  # a leak of descriptors or threads stays: the lowest of the last samples in a recording state
  # must not be above the warm-up highest in that state (a client connecting as we look is not)
  for (r = 0; r <= 1; r++) {
    if (!(r in cnt)) continue
    lo_fd = lo_thr = 1e9
    for (k = cnt[r] - tail_n; k < cnt[r]; k++) {
      if (k < 0) continue
      if (fd[r, k] < lo_fd) lo_fd = fd[r, k]
      if (thr[r, k] < lo_thr) lo_thr = thr[r, k]
    }
    printf "soak: recording=%d: fds warm-up max %d, at the end %d; threads warm-up max %d, at the end %d\n",
           r, wfd[r], lo_fd, wthr[r], lo_thr
    if ((r in wfd) && lo_fd > wfd[r]) { print "soak: FAIL: descriptors grew"; bad = 1 }
    if ((r in wthr) && lo_thr > wthr[r]) { print "soak: FAIL: threads grew"; bad = 1 }
  }
  printf "soak: last status: frames %s, fps %s; status requests failed: %d; daemon exit %d\n",
         last_frames, last_fps, status_fail, rc
  if (status_fail > 0) { print "soak: FAIL: the control socket did not answer"; bad = 1 }
  if (rc == 23) { print "soak: FAIL: LeakSanitizer reported leaks (daemon.log)"; bad = 1 }
  else if (rc != 0) { print "soak: FAIL: the daemon exited with " rc; bad = 1 }
  exit bad
}
