using ServerlessNews.DevServer;
using ServerlessNews.Hosting;

// `replay-poison QUEUE`: an operator command, against whatever storage the environment names
// (Azurite locally, or the Azure account through AzureWebJobsStorage__accountName and your identity).
if (args is ["replay-poison", var queue, ..])
{
    return await OperatorCommands.ReplayPoisonAsync(queue, args[2..]);
}

// `rebuild [--dry-run]`: render the whole site from the index and write what differs; --dry-run renders every
// page and writes none.
if (args is ["rebuild", ..])
{
    return await OperatorCommands.RebuildAsync(args[1..]);
}

// `verify`: render the whole site into memory and report every difference from $web (exit code 1 when any).
if (args is ["verify", ..])
{
    return await OperatorCommands.VerifyAsync(args[1..]);
}

return await HostStartup.RunAsync(await DevServerApp.BuildAsync(args));
