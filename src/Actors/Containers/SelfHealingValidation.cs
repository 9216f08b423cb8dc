using Berth.Actors.Protocol;

namespace Berth.Actors.Containers;

/// <summary>docker's 400s for a create request's restart policy and health check, plus berth's health-on-failure label.</summary>
public static class SelfHealingValidation
{
    public static string? Refusal(ContainerConfig config, ContainerHostConfig host) =>
        RestartPolicy.Validate(host.RestartPolicy, host.AutoRemove)
        ?? HealthCheck.Validate(config.Healthcheck)
        ?? HealthOnFailureLabel.Validate(config);
}
