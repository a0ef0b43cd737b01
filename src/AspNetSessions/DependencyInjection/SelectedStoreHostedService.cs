using AspNetSessions.Stores;
using Microsoft.Extensions.Hosting;

namespace AspNetSessions;

/// <summary>A store backend's background service (e.g. a pruner), started only when that backend is the one in use.</summary>
internal sealed class SelectedStoreHostedService(string storeName, SessionStoreSelection selection, IHostedService service) : IHostedService
{
    private bool _started;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _started = selection.IsSelected(storeName);
        return _started ? service.StartAsync(cancellationToken) : Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => _started ? service.StopAsync(cancellationToken) : Task.CompletedTask;
}
