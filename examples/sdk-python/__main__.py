"""A Python Pulumi program using consul-hardened through its generated Python SDK.

`pulumi package add <git url>` writes that SDK into your project; scripts/test-sdks.sh generates it
the same way and byte-compiles this program with it.
"""
import pulumi
import pulumi_consul_hardened as consul_hardened

cluster = consul_hardened.HardenedCluster(
    "prod",
    datacenter="dc1",
    servers=3,
    server_addresses=["10.0.1.11", "10.0.1.12", "10.0.1.13"],
    client_node_names=["app-1", "app-2"],
    admin_networks=["10.0.0.5/32"],
    ca=consul_hardened.ClusterCaOptionsArgs(key=consul_hardened.KeyOptionsArgs(algorithm=consul_hardened.KeyAlgorithm.ECDSA)),
)

acl = consul_hardened.AclSystem(
    "prod-acl",
    datacenter="dc1",
    connection=consul_hardened.ConsulConnectionArgs(
        address=cluster.provider_args.address,
        ca_pem=cluster.provider_args.ca_pem,
        cert_pem=cluster.provider_args.cert_pem,
        key_pem=cluster.provider_args.key_pem,
        token=cluster.bootstrap_token,
        write_from=["10.0.0.5/32", "127.0.0.0/8", "::1/128"],
    ),
    # The SecretIDs the agents' configs already carry, and the seed the TTL tokens derive from.
    agents=[consul_hardened.AgentTokenSpecArgs(node_name=name, secret_id=cluster.agent_tokens[name]) for name in ["app-1", "app-2"]],
    secret_seed=cluster.secret_seed,
    operators=[consul_hardened.OperatorSpecArgs(name="team-a", prefix="team-a")],
)

pulumi.export("caCertPem", cluster.ca_cert_pem)
pulumi.export("review", cluster.review)
pulumi.export("operatorToken", acl.tokens["operator-team-a"])
