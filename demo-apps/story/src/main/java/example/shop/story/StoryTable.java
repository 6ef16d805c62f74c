package example.shop.story;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Prints the story's table from what curl saved ({@code <step>.headers} from {@code curl -D} and
 * {@code <step>.body} for each step of {@link Story#STEPS}) and exits 0 only when every check holds.
 *
 * <pre>java -jar demo-apps/story/target/demo-story.jar DIR</pre>
 */
public final class StoryTable {
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: java -jar demo-story.jar DIR (with <step>.headers and <step>.body from curl)");
            System.exit(2);
        }
        Path dir = Paths.get(args[0]);
        Map<String, Story.Answer> answers = new LinkedHashMap<>();
        for (String step : Story.STEPS) {
            Path headers = dir.resolve(step + ".headers");
            Path body = dir.resolve(step + ".body");
            if (Files.exists(headers) && Files.exists(body)) {
                answers.put(step, read(Files.readString(headers, StandardCharsets.ISO_8859_1),
                        Files.readString(body, StandardCharsets.UTF_8)));
            }
        }
        Story story = Story.check(answers);
        story.print(System.out);
        System.exit(story.holds() ? 0 : 1);
    }

    /** The status of the last response in the headers (curl -D keeps a 100 Continue too) and its challenge. */
    static Story.Answer read(String headers, String body) {
        int status = 0;
        String challenge = null;
        for (String line : headers.split("\r?\n")) {
            if (line.startsWith("HTTP/")) {
                String[] parts = line.split(" ");
                status = parts.length > 1 ? Integer.parseInt(parts[1].trim()) : 0;
                challenge = null;
            } else if (line.toLowerCase(Locale.ROOT).startsWith("www-authenticate:")) {
                challenge = line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return new Story.Answer(status, challenge, body);
    }
}
