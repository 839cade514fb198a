// service-links prints, as JSON, the environment variables kubelet injects into a pod's containers
// for the Services below (pkg/kubelet/envvars.FromServices, the code kubelet runs), so the config
// tests check maestro against kubelet's own output rather than a hand-written copy:
//
//	go run ./service-links > ../../fixtures/kubernetes-service-links.json   (from test/k8s/cluster)
package main

import (
	"encoding/json"
	"os"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/kubernetes/pkg/kubelet/envvars"
)

func service(name, clusterIP string, ports ...v1.ServicePort) *v1.Service {
	return &v1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec:       v1.ServiceSpec{ClusterIP: clusterIP, Ports: ports},
	}
}

func port(name string, number int32, protocol v1.Protocol) v1.ServicePort {
	return v1.ServicePort{Name: name, Port: number, Protocol: protocol}
}

func main() {
	services := []*v1.Service{
		service("maestro-rooms-api", "10.96.12.34",
			port("http", 8070, v1.ProtocolTCP), port("grpc", 9070, v1.ProtocolTCP), port("internal", 8071, v1.ProtocolTCP)),
		service("maestro-management-api", "10.96.0.10",
			port("http", 8080, v1.ProtocolTCP), port("grpc-api", 9090, v1.ProtocolTCP)),
		service("maestro-worker-metrics", "fd00:10:96::a", port("metrics", 8091, v1.ProtocolTCP)),
		service("maestro-rooms-api-grpc", "10.96.7.7", port("", 9070, v1.ProtocolTCP)),
		service("maestro", "10.96.1.1", port("game", 7777, v1.ProtocolUDP), port("signal", 9999, v1.ProtocolSCTP)),
	}
	out := map[string]map[string]string{}
	for _, s := range services {
		vars := map[string]string{}
		for _, env := range envvars.FromServices([]*v1.Service{s}) {
			vars[env.Name] = env.Value
		}
		out[s.Name] = vars
	}
	encoder := json.NewEncoder(os.Stdout)
	encoder.SetIndent("", "  ")
	if err := encoder.Encode(out); err != nil {
		panic(err)
	}
}
