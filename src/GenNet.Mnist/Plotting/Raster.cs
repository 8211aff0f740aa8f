namespace GenNet.Mnist.Plotting;

/// <summary>An RGB colour, 8 bits a channel.</summary>
internal readonly record struct Rgb(byte R, byte G, byte B)
{
    public static readonly Rgb White = new(255, 255, 255);
    public static readonly Rgb Black = new(0, 0, 0);

    /// <summary>The colour <paramref name="t"/> of the way from <paramref name="a"/> to <paramref name="b"/> (t in [0, 1]).</summary>
    public static Rgb Lerp(Rgb a, Rgb b, double t) => new(
        (byte)Math.Round(a.R + (b.R - a.R) * t), (byte)Math.Round(a.G + (b.G - a.G) * t), (byte)Math.Round(a.B + (b.B - a.B) * t));
}

/// <summary>
/// A width × height RGB image, row-major, three bytes a pixel, drawn with opaque rectangles, thick lines, discs and
/// text in <see cref="PixelFont"/>. Everything outside the image is clipped.
/// </summary>
internal sealed class Raster
{
    private readonly byte[] _pixels;

    public Raster(int width, int height, Rgb background)
    {
        Width = width;
        Height = height;
        _pixels = new byte[width * height * 3];
        FillRectangle(0, 0, width, height, background);
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>The pixels, row after row, R G B each.</summary>
    public ReadOnlySpan<byte> Pixels => _pixels;

    public Rgb this[int x, int y]
    {
        get
        {
            int i = (y * Width + x) * 3;
            return new Rgb(_pixels[i], _pixels[i + 1], _pixels[i + 2]);
        }
    }

    public void SetPixel(int x, int y, Rgb color)
    {
        if ((uint)x < (uint)Width && (uint)y < (uint)Height)
        {
            int i = (y * Width + x) * 3;
            _pixels[i] = color.R;
            _pixels[i + 1] = color.G;
            _pixels[i + 2] = color.B;
        }
    }

    /// <summary>Fills the pixels x..x+width−1 by y..y+height−1.</summary>
    public void FillRectangle(int x, int y, int width, int height, Rgb color)
    {
        int x0 = Math.Max(0, x), x1 = Math.Min(Width, x + width);
        int y0 = Math.Max(0, y), y1 = Math.Min(Height, y + height);
        for (int py = y0; py < y1; py++)
        {
            for (int px = x0; px < x1; px++)
            {
                SetPixel(px, py, color);
            }
        }
    }

    /// <summary>The outline of a rectangle, one pixel wide.</summary>
    public void DrawRectangle(int x, int y, int width, int height, Rgb color)
    {
        FillRectangle(x, y, width, 1, color);
        FillRectangle(x, y + height - 1, width, 1, color);
        FillRectangle(x, y, 1, height, color);
        FillRectangle(x + width - 1, y, 1, height, color);
    }

    /// <summary>A filled disc of <paramref name="radius"/> pixels around (cx, cy).</summary>
    public void FillDisc(double cx, double cy, double radius, Rgb color)
    {
        int x0 = (int)Math.Floor(cx - radius), x1 = (int)Math.Ceiling(cx + radius);
        int y0 = (int)Math.Floor(cy - radius), y1 = (int)Math.Ceiling(cy + radius);
        for (int y = y0; y <= y1; y++)
        {
            for (int x = x0; x <= x1; x++)
            {
                double dx = x - cx, dy = y - cy;
                if (dx * dx + dy * dy <= radius * radius)
                {
                    SetPixel(x, y, color);
                }
            }
        }
    }

    /// <summary>A line <paramref name="thickness"/> pixels wide: discs stamped every half pixel along it.</summary>
    public void DrawLine(double x0, double y0, double x1, double y1, double thickness, Rgb color)
    {
        double length = Math.Sqrt((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0));
        int steps = Math.Max(1, (int)Math.Ceiling(length * 2));
        for (int i = 0; i <= steps; i++)
        {
            double t = (double)i / steps;
            FillDisc(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, thickness / 2, color);
        }
    }

    /// <summary>The width in pixels of <paramref name="text"/> drawn at <paramref name="scale"/>.</summary>
    public static int TextWidth(string text, int scale) => text.Length * PixelFont.Advance * scale;

    /// <summary>The height in pixels of a line of text drawn at <paramref name="scale"/>.</summary>
    public static int TextHeight(int scale) => PixelFont.Height * scale;

    /// <summary>Draws <paramref name="text"/> with its top-left corner at (x, y), each font pixel a scale × scale square.</summary>
    public void DrawText(int x, int y, string text, int scale, Rgb color) => DrawGlyphs(x, y, text, scale, color, upwards: false);

    /// <summary>Draws <paramref name="text"/> turned a quarter turn anticlockwise (read bottom to top), starting at its bottom-left (x, y).</summary>
    public void DrawTextUpwards(int x, int y, string text, int scale, Rgb color) => DrawGlyphs(x, y, text, scale, color, upwards: true);

    private void DrawGlyphs(int x, int y, string text, int scale, Rgb color, bool upwards)
    {
        foreach (char c in text)
        {
            ReadOnlySpan<byte> glyph = PixelFont.Glyph(c);
            for (int row = 0; row < glyph.Length; row++)
            {
                for (int column = 0; column < PixelFont.Width; column++)
                {
                    if ((glyph[row] & (0x10 >> column)) != 0)
                    {
                        // Upwards, a glyph's columns run up the image and its rows to the right.
                        (int px, int py) = upwards ? (x + row * scale, y - (column + 1) * scale) : (x + column * scale, y + row * scale);
                        FillRectangle(px, py, scale, scale, color);
                    }
                }
            }
            if (upwards)
            {
                y -= PixelFont.Advance * scale;
            }
            else
            {
                x += PixelFont.Advance * scale;
            }
        }
    }
}
