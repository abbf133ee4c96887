from gan_course.ui.lesson_page import render

render("04_gan_failures")
