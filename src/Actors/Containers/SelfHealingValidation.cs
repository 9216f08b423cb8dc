using Berth.Actors.Protocol;

namespace Berth.Actors.Containers;

/// <summary>docker's 400s for a create request's restart policy and health check, plus berth's health-on-failure label.</summary>
public static class SelfHealingValidation
{
    public static string? Refusal(ContainerSpec spec) =>
        RestartPolicy.Validate(spec.Restart, spec.AutoRemove)
        ?? HealthCheck.Validate(spec.Health)
        ?? HealthOnFailureLabel.Validate(spec);
}
