using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Comments;

/// <summary>The comments block and form in the article's static HTML (issue 4, points 1 and 6).</summary>
public sealed class CommentPageTests(CommentsFixture server) : IClassFixture<CommentsFixture>
{
    [Fact]
    public async Task The_page_ends_with_the_reply_form_with_labelled_fields_and_the_honeypot()
    {
        var path = await server.PublishAsync("page-form");
        var page = Html.Parse((await server.PageAsync(path))!);

        var article = page.QuerySelector("main > article")!;
        Assert.Same(article.QuerySelector("section#comments"), article.LastElementChild);
        Assert.Equal("Leave a Reply", page.GetElementById("reply-title")!.TextContent);
        var form = page.QuerySelector("form.comment-form")!;
        Assert.Equal(StorageFixture.BaseUrl + "/api/comments", form.GetAttribute("action"));
        Assert.Equal("post", form.GetAttribute("method"));
        Assert.Equal("Your email address will not be published. Required fields are marked *", form.QuerySelector(".comment-notes")!.TextContent);
        Assert.Equal("page-form", form.QuerySelector("input[type=hidden][name=articleId]")!.GetAttribute("value"));
        Assert.NotNull(form.QuerySelector("input[type=hidden][name=parentId]"));
        foreach (var (name, label, required) in new[] { ("name", "Name *", true), ("email", "Email *", true), ("website", "Website", false), ("comment", "Comment *", true) })
        {
            var field = form.QuerySelector($"[name={name}]")!;
            var labelled = form.QuerySelector($"label[for={field.Id}]")!;
            Assert.Equal(label, labelled.TextContent);
            Assert.Equal(required, field.HasAttribute("required"));
        }
        Assert.Equal("8000", form.QuerySelector("textarea[name=comment]")!.GetAttribute("maxlength"));
        Assert.Equal("245", form.QuerySelector("[name=name]")!.GetAttribute("maxlength"));
        var honeypot = form.QuerySelector("input[name=homepage]")!;
        Assert.Equal("-1", honeypot.GetAttribute("tabindex"));
        Assert.Equal("true", honeypot.ParentElement!.GetAttribute("aria-hidden"));
        Assert.NotNull(form.QuerySelector($"label[for={honeypot.Id}]"));
        Assert.Equal("0 Comments", page.GetElementById("comments-title")!.TextContent);
    }

    [Fact]
    public async Task Approved_comments_are_threaded_in_order_with_reply_links_down_to_the_depth_limit()
    {
        var path = await server.PublishAsync("page-thread");
        var ids = new List<string>();
        string? parent = null;
        for (var depth = 1; depth <= 5; depth++)
        {
            parent = await server.PostAsync("page-thread", "Depth " + depth, name: "Level " + depth, parentId: parent);
            ids.Add(parent);
            await server.DrainModerateQueueAsync();
            await server.ModerateAsync("page-thread", parent, "approve");
        }
        var second = await server.PostAsync("page-thread", "A second thread.", name: "Second");
        var reply = await server.PostAsync("page-thread", "Reply to the first.", name: "Replier", parentId: ids[0]);
        var hidden = await server.PostAsync("page-thread", "Held, so not shown.", name: "Held");
        await server.DrainModerateQueueAsync();
        await server.ModerateAsync("page-thread", second, "approve");
        await server.ModerateAsync("page-thread", reply, "approve");

        var tooDeep = await server.Client.SendAsync(server.Json(new { articleId = "page-thread", parentId = ids[4], name = "A", email = server.NewReader().Email, comment = "Too deep" }));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, tooDeep.StatusCode);
        Assert.Contains("5 levels", await tooDeep.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var page = Html.Parse((await server.PageAsync(path))!);
        Assert.Equal("7 Comments", page.GetElementById("comments-title")!.TextContent);
        var top = page.QuerySelectorAll(".comment-list > li").Select(li => li.Id!).ToArray();
        Assert.Equal(["comment-" + ids[0], "comment-" + second], top);
        var chain = page.GetElementById("comment-" + ids[0])!;
        for (var depth = 1; depth < 5; depth++)
        {
            var child = page.GetElementById("comment-" + ids[depth])!;
            Assert.Same(page.GetElementById("comment-" + ids[depth - 1]), child.ParentElement!.ParentElement);
            Assert.True(child.ParentElement.ClassList.Contains("children"));
        }
        // The reply to the first comment comes after the first's deeper replies, in time order.
        Assert.Equal(["comment-" + ids[1], "comment-" + reply], chain.QuerySelector(":scope > ol.children")!.Children.Select(c => c.Id));
        Assert.Equal(["Level 1", "Level 2", "Level 3", "Level 4"], page.QuerySelectorAll(".comment-reply-link").Select(a => a.GetAttribute("data-author")!).Take(4));
        Assert.Null(page.GetElementById("comment-" + ids[4])!.QuerySelector(".comment-reply-link"));
        Assert.Equal(ids[0], page.GetElementById("comment-" + ids[0])!.QuerySelector(".comment-reply-link")!.GetAttribute("data-parent-id"));
        Assert.Null(page.GetElementById("comment-" + hidden));
        Assert.DoesNotContain("@example.test", page.DocumentElement.OuterHtml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Comment_markdown_is_limited_raw_html_is_text_and_links_are_nofollow_ugc()
    {
        var path = await server.PublishAsync("page-markdown");
        var id = await server.PostAsync("page-markdown",
            "**Bold** and _em_ and `code`, <b>not bold</b>, [a link](https://example.test/a) and https://example.test/b\n\n# Not a heading\n\n> quoted\n\n- one\n- two\n\n![img](https://example.test/i.png) [js](javascript:alert(1))");
        await server.DrainModerateQueueAsync();
        await server.ModerateAsync("page-markdown", id, "approve");

        var content = Html.Parse((await server.PageAsync(path))!).QuerySelector($"#comment-{id} .comment-content")!;
        Assert.Equal("Bold", content.QuerySelector("strong")!.TextContent);
        Assert.Equal("em", content.QuerySelector("em")!.TextContent);
        Assert.Equal("code", content.QuerySelector("code")!.TextContent);
        Assert.Null(content.QuerySelector("b, h1, h2, img"));
        Assert.Contains("<b>not bold</b>", content.TextContent, StringComparison.Ordinal);
        Assert.Contains("# Not a heading", content.TextContent, StringComparison.Ordinal);
        Assert.NotNull(content.QuerySelector("blockquote"));
        Assert.Equal(2, content.QuerySelectorAll("ul li").Length);
        var links = content.QuerySelectorAll("a").ToArray();
        Assert.Equal(["https://example.test/a", "https://example.test/b"], links.Select(a => a.GetAttribute("href")!));
        Assert.All(links, a => Assert.Equal("nofollow ugc noopener", a.GetAttribute("rel")));
    }

    [Fact]
    public async Task The_owasp_vectors_through_every_field_and_approved_render_inert()
    {
        var path = await server.PublishAsync("page-xss");
        var accepted = await XssCorpus.PostAllAsync(server.Client, "page-xss", server.NewReader);
        // One vector holds a control character (U+0001), which every field refuses.
        Assert.True(accepted.Count >= XssCorpus.Vectors.Count - 1, $"Only {accepted.Count} of {XssCorpus.Vectors.Count} vectors were accepted.");
        await server.DrainModerateQueueAsync();
        await XssCorpus.ApproveAllAsync(server, "page-xss", accepted);

        var page = Html.Parse((await server.PageAsync(path))!);
        Assert.Equal(accepted.Count, XssCorpus.Comments(page).Length);
        XssCorpus.AssertInert(page);
        // Encoded, not dropped: each name reads back as the text that was posted.
        var names = page.QuerySelectorAll(".comment-author").Select(a => a.TextContent).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("<SCRIPT SRC=https://cdn.jsdelivr.net/gh/Moksh45/host-xss.rocks/index.js></SCRIPT>", names);
    }
}
