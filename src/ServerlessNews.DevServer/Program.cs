using ServerlessNews.DevServer;

var app = await DevServerApp.BuildAsync(args);
await app.RunAsync();
