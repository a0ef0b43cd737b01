using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AspNetSessions.Tests.Unit;

/// <summary>
/// Step-up replaces nothing of ASP.NET Core's authorization: its requirement handler is added beside the others, and the
/// result handler (ASP.NET Core's default one, or an app's own) is left as it is, whatever the order of registration.
/// </summary>
public sealed class StepUpWiringTests
{
    [Fact]
    public void The_default_result_handler_is_kept_whatever_the_order_of_registration()
    {
        var before = new ServiceCollection().AddLogging();
        before.AddAuthorization();
        before.AddSessionAuth();
        var after = new ServiceCollection().AddLogging();
        after.AddSessionAuth();
        after.AddAuthorization();

        foreach (var services in new[] { before, after })
        {
            using var provider = services.BuildServiceProvider();
            Assert.IsType<AuthorizationMiddlewareResultHandler>(provider.GetRequiredService<IAuthorizationMiddlewareResultHandler>());
            Assert.Single(services, d => d.ServiceType == typeof(IAuthorizationMiddlewareResultHandler));
            Assert.Single(provider.GetServices<IAuthorizationHandler>(), h => h is RecentAuthenticationHandler);
        }
    }

    [Fact]
    public void An_apps_own_result_handler_is_kept()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, OwnResultHandler>();
        services.AddSessionAuth();

        using var provider = services.BuildServiceProvider();

        Assert.IsType<OwnResultHandler>(provider.GetRequiredService<IAuthorizationMiddlewareResultHandler>());
    }

    [Theory]
    [InlineData("5")]
    [InlineData("soon")]
    public void The_attribute_refuses_a_max_age_that_is_not_a_duration(string maxAge)
    {
        var error = Assert.Throws<FormatException>(() => new RequireRecentAuthenticationAttribute(maxAge));
        Assert.Contains("such as '00:05:00'", error.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromMinutes(5), Assert.IsType<RecentAuthenticationRequirement>(Assert.Single(new RequireRecentAuthenticationAttribute("00:05:00").GetRequirements())).MaxAge);
    }

    private sealed class OwnResultHandler : IAuthorizationMiddlewareResultHandler
    {
        public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult) => next(context);
    }
}
