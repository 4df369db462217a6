// Placeholder: end-to-end training throughput (epochs of `lantern train` against PyTorch) is another
// issue's work. That issue replaces this file with a suite of the same shape as core.mjs.
export default {
  name: "train",
  description: "end-to-end training throughput (not yet implemented)",
  notImplemented: "the train suite is not yet implemented: its workloads land with the training issue",
};
