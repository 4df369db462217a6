// Fused optimizer updates with PyTorch's formulas (torch/optim/{sgd,adam,rmsprop}.py), computed in
// double per element like the reference backend. Optional state buffers are null when unused.
#pragma once

namespace lantern {

struct SgdParams {
  double lr, momentum, dampening, weight_decay;
  bool nesterov, maximize, first_step;
};

struct AdamParams {
  double lr, beta1, beta2, eps, weight_decay, decoupled_weight_decay, step;
  bool maximize;
};

struct RmspropParams {
  double lr, alpha, eps, momentum, weight_decay;
  bool centered, maximize;
};

void sgd_step(float* param, const float* grad, float* momentum_buffer, long n, const SgdParams& p);
// amsgrad is on when max_exp_avg_sq is given.
void adam_step(float* param, const float* grad, float* exp_avg, float* exp_avg_sq, float* max_exp_avg_sq, long n,
               const AdamParams& p);
void rmsprop_step(float* param, const float* grad, float* square_avg, float* momentum_buffer, float* grad_avg, long n,
                  const RmspropParams& p);

}  // namespace lantern
