using ServerlessNews.DevServer;
using ServerlessNews.Hosting;

// `replay-poison QUEUE`: an operator command, against whatever storage the environment names
// (Azurite locally, or the Azure account through AzureWebJobsStorage__accountName and your identity).
if (args is ["replay-poison", var queue, ..])
{
    return await OperatorCommands.ReplayPoisonAsync(queue, args[2..]);
}

// `rebuild [--dry-run]`: re-render every article page from its stored document (after a theme change);
// --dry-run renders every page and writes none.
if (args is ["rebuild", ..])
{
    return await OperatorCommands.RebuildAsync(args[1..]);
}

return await HostStartup.RunAsync(await DevServerApp.BuildAsync(args));
