using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AspNetSessions.Tests.Unit;

/// <summary>
/// Where the step-up result handler goes: in front of ASP.NET Core's default one whether authorization is added before or
/// after sessions, and never in place of an app's own result handler.
/// </summary>
public sealed class RecentAuthenticationServicesTests
{
    [Fact]
    public void The_default_result_handler_is_wrapped_whatever_the_order_of_registration()
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
            Assert.IsType<RecentAuthenticationResultHandler>(provider.GetRequiredService<IAuthorizationMiddlewareResultHandler>());
            Assert.Single(services, d => d.ServiceType == typeof(IAuthorizationMiddlewareResultHandler));
            Assert.Contains(provider.GetServices<IAuthorizationHandler>(), h => h is RecentAuthenticationHandler);
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
