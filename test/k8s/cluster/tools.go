//go:build tools

// Package cluster is a wrapper module that pins the Kubernetes control plane
// (and the etcd it is tested with) for maestro's test cluster. Nothing here is
// compiled into maestro: scripts/provision/kubernetes.sh builds the commands
// below from this module graph. The imports keep `go mod tidy` from dropping them.
package cluster

import (
	_ "go.etcd.io/etcd/server/v3"
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
)
