using Berth.Host.Api;

namespace Berth.Host.Tests.Api;

/// <summary>Content-Type values read as Go's mime.ParseMediaType reads them, for dockerd's CheckForJSON messages.</summary>
public sealed class JsonContentTypeSpecs
{
    [Theory]
    [InlineData("application/json", "application/json")]
    [InlineData("Application/JSON; charset=utf-8", "application/json")]
    [InlineData("application/json;", "application/json")]
    [InlineData("application/json; charset=\"utf-8\"", "application/json")]
    [InlineData("text/plain", "text/plain")]
    [InlineData("bogus", "bogus")]
    public void A_well_formed_type_is_its_lower_cased_media_type(string contentType, string media)
    {
        Assert.Equal((media, null), JsonContentType.Parse(contentType));
    }

    [Theory]
    [InlineData("", "mime: no media type")]
    [InlineData("/json", "mime: no media type")]
    [InlineData("application json", "mime: expected slash after first token")]
    [InlineData("application/", "mime: expected token after slash")]
    [InlineData("application/json x", "mime: unexpected content after media subtype")]
    [InlineData("application/json; charset", "mime: invalid media parameter")]
    public void A_malformed_type_gets_gos_reason(string contentType, string error)
    {
        Assert.Equal(error, JsonContentType.Parse(contentType).Error);
    }
}
