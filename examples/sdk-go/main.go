// A Go Pulumi program using consul-hardened through its generated Go SDK
// (`pulumi package add <git url>` writes that SDK into your project; scripts/test-sdks.sh
// generates it the same way and compiles this program against it).
package main

import (
	"example.com/consul-hardened/sdk/go/consulhardened"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		servers := 3.0
		algorithm := consulhardened.KeyAlgorithmECDSA
		cluster, err := consulhardened.NewHardenedCluster(ctx, "prod", &consulhardened.HardenedClusterArgs{
			Datacenter:      "dc1",
			Servers:         &servers,
			ServerAddresses: []string{"10.0.1.11", "10.0.1.12", "10.0.1.13"},
			ClientNodeNames: []string{"app-1", "app-2"},
			AdminNetworks:   []string{"10.0.0.5/32"},
			Ca:              &consulhardened.ClusterCaOptionsArgs{Key: &consulhardened.KeyOptionsArgs{Algorithm: &algorithm}},
		})
		if err != nil {
			return err
		}
		ctx.Export("caCertPem", cluster.CaCertPem)
		ctx.Export("review", cluster.Review)
		ctx.Export("files", cluster.Files) // secret
		return nil
	})
}
