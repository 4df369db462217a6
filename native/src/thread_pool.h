// A fixed pool of worker threads shared by every kernel. The calling (JavaScript) thread takes part
// in each job, so a pool of N threads starts N - 1 workers.
#pragma once

#include <functional>

namespace lantern {

// Threads the pool runs jobs on, caller included: LANTERN_NUM_THREADS if set, else the hardware's.
int num_threads();

// Runs task(i) for every i in [0, tasks) and returns when all have finished. Nested calls, and
// calls made while another thread holds the pool, run serially on the caller instead of waiting.
void parallel_for(long tasks, const std::function<void(long)>& task);

// Splits [0, n) into at most num_threads() contiguous chunks of at least `grain` items and runs
// body(begin, end) on each.
void parallel_range(long n, long grain, const std::function<void(long, long)>& body);

}  // namespace lantern
