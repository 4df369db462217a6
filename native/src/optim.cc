#include "optim.h"

#include <algorithm>
#include <cmath>

#include "thread_pool.h"

namespace lantern {
namespace {

constexpr long kGrain = 1 << 15;

}  // namespace

void sgd_step(float* param, const float* grad, float* buf, long n, const SgdParams& p) {
  parallel_range(n, kGrain, [&](long begin, long end) {
    for (long i = begin; i < end; ++i) {
      double d = p.maximize ? -static_cast<double>(grad[i]) : grad[i];
      if (p.weight_decay != 0) d += p.weight_decay * param[i];
      if (buf) {
        buf[i] = static_cast<float>(p.first_step ? d : p.momentum * buf[i] + (1 - p.dampening) * d);
        d = p.nesterov ? d + p.momentum * buf[i] : buf[i];
      }
      param[i] = static_cast<float>(param[i] - p.lr * d);
    }
  });
}

void adam_step(float* param, const float* grad, float* exp_avg, float* exp_avg_sq, float* max_exp_avg_sq, long n,
               const AdamParams& p) {
  const double bias1 = 1 - std::pow(p.beta1, p.step);
  const double bias2_sqrt = std::sqrt(1 - std::pow(p.beta2, p.step));
  const double step_size = p.lr / bias1;
  const double decay = 1 - p.lr * p.decoupled_weight_decay;
  parallel_range(n, kGrain, [&](long begin, long end) {
    for (long i = begin; i < end; ++i) {
      double g = p.maximize ? -static_cast<double>(grad[i]) : grad[i];
      if (p.weight_decay != 0) g += p.weight_decay * param[i];
      if (p.decoupled_weight_decay != 0) param[i] = static_cast<float>(param[i] * decay);
      exp_avg[i] = static_cast<float>(exp_avg[i] + (g - exp_avg[i]) * (1 - p.beta1));
      exp_avg_sq[i] = static_cast<float>(exp_avg_sq[i] * p.beta2 + (1 - p.beta2) * g * g);
      double second = exp_avg_sq[i];
      if (max_exp_avg_sq) {
        max_exp_avg_sq[i] = std::max(max_exp_avg_sq[i], exp_avg_sq[i]);
        second = max_exp_avg_sq[i];
      }
      param[i] = static_cast<float>(param[i] - step_size * exp_avg[i] / (std::sqrt(second) / bias2_sqrt + p.eps));
    }
  });
}

void rmsprop_step(float* param, const float* grad, float* square_avg, float* buf, float* grad_avg, long n,
                  const RmspropParams& p) {
  parallel_range(n, kGrain, [&](long begin, long end) {
    for (long i = begin; i < end; ++i) {
      double g = p.maximize ? -static_cast<double>(grad[i]) : grad[i];
      if (p.weight_decay != 0) g += p.weight_decay * param[i];
      square_avg[i] = static_cast<float>(p.alpha * square_avg[i] + (1 - p.alpha) * g * g);
      double avg;
      if (p.centered && grad_avg) {
        grad_avg[i] = static_cast<float>(grad_avg[i] + (g - grad_avg[i]) * (1 - p.alpha));
        avg = std::sqrt(static_cast<double>(square_avg[i]) - static_cast<double>(grad_avg[i]) * grad_avg[i]) + p.eps;
      } else {
        avg = std::sqrt(static_cast<double>(square_avg[i])) + p.eps;
      }
      if (buf && p.momentum > 0) {
        buf[i] = static_cast<float>(p.momentum * buf[i] + g / avg);
        param[i] = static_cast<float>(param[i] - p.lr * buf[i]);
      } else {
        param[i] = static_cast<float>(param[i] - p.lr * g / avg);
      }
    }
  });
}

}  // namespace lantern
