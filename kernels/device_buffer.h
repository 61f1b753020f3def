#pragma once
// Owning device allocation (cudaMalloc) with explicit, synchronous host transfers.
// CUDA builds only.

#include <cuda_runtime.h>

#include <cstddef>

#include "kernels/cuda_check.h"

namespace vigil::kernels {

template <typename T>
class DeviceBuffer {
 public:
  explicit DeviceBuffer(std::size_t count) : count_(count) {
    if (count_ > 0) VIGIL_CUDA_CHECK(cudaMalloc(reinterpret_cast<void**>(&data_), count_ * sizeof(T)));
  }
  ~DeviceBuffer() {
    if (data_) cudaFree(data_);
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;

  T* get() { return data_; }
  const T* get() const { return data_; }
  std::size_t size() const { return count_; }
  void upload(const T* host) {
    if (count_) VIGIL_CUDA_CHECK(cudaMemcpy(data_, host, count_ * sizeof(T), cudaMemcpyHostToDevice));
  }
  void download(T* host) const {
    if (count_) VIGIL_CUDA_CHECK(cudaMemcpy(host, data_, count_ * sizeof(T), cudaMemcpyDeviceToHost));
  }

 private:
  std::size_t count_;
  T* data_ = nullptr;
};

}  // namespace vigil::kernels
