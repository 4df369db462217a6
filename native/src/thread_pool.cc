#include "thread_pool.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

namespace lantern {
namespace {

thread_local bool inside_job = false;

class ThreadPool {
 public:
  explicit ThreadPool(int threads) : size_(threads) {
    for (int i = 1; i < threads; ++i) std::thread([this] { work(); }).detach();
  }

  int size() const { return size_; }

  void run(long tasks, const std::function<void(long)>& task) {
    std::unique_lock<std::mutex> busy(busy_, std::try_to_lock);
    if (!busy.owns_lock() || inside_job || size_ == 1 || tasks == 1) {
      for (long i = 0; i < tasks; ++i) task(i);
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      task_ = &task;
      tasks_ = tasks;
      next_.store(0);
      pending_workers_ = size_ - 1;
      generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    drain();
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return pending_workers_ == 0; });
    task_ = nullptr;
  }

 private:
  void drain() {
    inside_job = true;
    for (long i = next_.fetch_add(1); i < tasks_; i = next_.fetch_add(1)) (*task_)(i);
    inside_job = false;
  }

  void work() {
    unsigned seen = 0;
    for (;;) {
      // Spin for a moment before sleeping: kernels often come back to back, and a futex wake-up
      // costs tens of microseconds, as much as a small kernel.
      auto give_up = std::chrono::steady_clock::now() + std::chrono::microseconds(200);
      while (generation_.load(std::memory_order_acquire) == seen && std::chrono::steady_clock::now() < give_up) {
        std::this_thread::yield();
      }
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return generation_.load() != seen; });
        seen = generation_.load();
      }
      drain();
      std::lock_guard<std::mutex> lock(mutex_);
      if (--pending_workers_ == 0) done_.notify_one();
    }
  }

  const int size_;
  std::mutex busy_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  std::atomic<unsigned> generation_{0};
  std::atomic<long> next_{0};
  const std::function<void(long)>* task_ = nullptr;
  long tasks_ = 0;
  int pending_workers_ = 0;
};

int configured_threads() {
  if (const char* env = std::getenv("LANTERN_NUM_THREADS")) {
    int n = std::atoi(env);
    if (n > 0) return std::min(n, 256);
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

// Never destroyed: detached workers may still be parked on its condition variable at exit.
ThreadPool& pool() {
  static ThreadPool* instance = new ThreadPool(configured_threads());
  return *instance;
}

}  // namespace

int num_threads() { return pool().size(); }

void parallel_for(long tasks, const std::function<void(long)>& task) {
  if (tasks <= 0) return;
  pool().run(tasks, task);
}

void parallel_range(long n, long grain, const std::function<void(long, long)>& body) {
  if (n <= 0) return;
  long chunks = std::max(1L, std::min<long>(num_threads(), n / std::max(1L, grain)));
  long step = (n + chunks - 1) / chunks;
  parallel_for(chunks, [&](long c) {
    long begin = c * step;
    long end = std::min(n, begin + step);
    if (begin < end) body(begin, end);
  });
}

}  // namespace lantern
