// Fused normalisation kernels, matching the reference backend (src/backend/js/normalization.ts):
// per-element arithmetic in double, rounded to float once.
#pragma once

namespace lantern {

// The sum of n contiguous floats in double (also global average pooling's).
double sum_run(const float* x, long n);

// Batch norm with fixed statistics (eval mode) over x viewed as [outer, channels, inner]:
// out = x * scale + shift with scale = weight / sqrt(var + eps) and shift = bias - mean * scale.
// weight and bias may be null (1 and 0).
void batch_norm_inference(const float* x, const float* mean, const float* var, const float* weight, const float* bias,
                          double eps, long outer, long channels, long inner, float* out);

// Layer norm of `rows` contiguous rows of `size` elements with the biased variance:
// out = (x - mean) * rstd * weight + bias, rstd = 1 / sqrt(var + eps). weight and bias may be null;
// mean and rstd (one per row) are written when not null.
void layer_norm(const float* x, const float* weight, const float* bias, long rows, long size, double eps, float* out,
                float* mean, float* rstd);

}  // namespace lantern
