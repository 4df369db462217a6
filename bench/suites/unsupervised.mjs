// Placeholder: clustering, PCA and frequent-itemset workloads against ml-kmeans, ml-hclust, ml-pca,
// node-fpgrowth and scikit-learn are another issue's work (its scripts live in bench/unsupervised/).
// That issue replaces this file with a suite of the same shape as core.mjs.
export default {
  name: "unsupervised",
  description: "k-means, hierarchical clustering, PCA, frequent itemsets (not yet implemented)",
  notImplemented: "the unsupervised suite is not yet implemented: its workloads land with the unsupervised-learning issue",
};
